// Runs the script of beaver's Zabbix media type (templates/zabbix/beaver_media_type.yaml) as
// Zabbix runs a webhook's script: a function body given `value` (the parameters, as JSON, their
// macros expanded) and Zabbix's HttpRequest and Zabbix objects. HttpRequest here is a real HTTP
// client (curl), synchronous as Zabbix's is. Prints what the script returns; exits 1 when it
// throws, printing what it threw.
//
// usage: node zabbix_media.mjs MEDIA_TYPE_YAML PARAMETERS_JSON
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const [yamlFile, value] = process.argv.slice(2);
// The script is the block scalar under "script: |": the lines indented deeper than its key.
const lines = readFileSync(yamlFile, 'utf8').split('\n');
const start = lines.findIndex((l) => /^\s*script: \|$/.test(l));
if (start < 0) throw new Error(`no script in ${yamlFile}`);
const keyIndent = lines[start].search(/\S/);
const body = [];
for (const line of lines.slice(start + 1)) {
  if (line.trim() !== '' && line.search(/\S/) <= keyIndent) break;
  body.push(line);
}
const indent = Math.min(...body.filter((l) => l.trim()).map((l) => l.search(/\S/)));
const script = body.map((l) => l.slice(indent)).join('\n');

class HttpRequest {
  constructor() { this.headers = []; this.status = 0; }
  addHeader(header) { this.headers.push(header); }
  post(url, data) {
    const args = ['-s', '-X', 'POST', '--data-binary', '@-', '-w', '\n%{http_code}'];
    for (const h of this.headers) args.push('-H', h);
    args.push(url);
    const out = execFileSync('curl', args, { input: data }).toString();
    const cut = out.lastIndexOf('\n');
    this.status = Number.parseInt(out.slice(cut + 1), 10);
    return out.slice(0, cut);
  }
  getStatus() { return this.status; }
}
const Zabbix = { log: (level, message) => console.error(`log ${level}: ${message}`) };

try {
  console.log(new Function('value', 'HttpRequest', 'Zabbix', script)(value, HttpRequest, Zabbix));
} catch (err) {
  console.log(`threw: ${err}`);
  process.exit(1);
}
