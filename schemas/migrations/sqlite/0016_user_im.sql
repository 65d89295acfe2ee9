-- Where chat messages @-mention a user: "KIND:ID" entries separated by spaces, sorted by kind
-- ("dingtalk:13800138000 wecom:lea.wang"); NULL for none.
ALTER TABLE users ADD COLUMN im TEXT;
