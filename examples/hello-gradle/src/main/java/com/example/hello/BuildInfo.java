package com.example.hello;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What this running copy is: the version and git commit from the package's MANIFEST.json, which
 * beaver writes when it packages the service. GET /version answers with it, so anyone can ask a
 * host which commit it runs.
 */
record BuildInfo(String version, String commit) {
  static final String UNKNOWN = "unknown";

  /** Where the manifest is: system property beaver.manifest, else env BEAVER_MANIFEST. */
  static Path manifestPath() {
    String path = System.getProperty("beaver.manifest");
    if (path == null || path.isEmpty()) {
      path = System.getenv("BEAVER_MANIFEST");
    }
    return path == null || path.isEmpty() ? null : Path.of(path);
  }

  /**
   * Reads version and git.commit from the manifest at path. A missing path, an unreadable or
   * malformed file and missing fields all give "unknown" for what could not be read: a service
   * started outside a package (from an IDE, in tests) still runs.
   */
  static BuildInfo load(Path manifest) {
    if (manifest == null) {
      return new BuildInfo(UNKNOWN, UNKNOWN);
    }
    try {
      return fromJson(Files.readString(manifest, StandardCharsets.UTF_8));
    } catch (NoSuchFileException ex) {
      System.err.println("hello-service: no manifest at " + manifest + "; version unknown");
      return new BuildInfo(UNKNOWN, UNKNOWN);
    } catch (IOException | IllegalArgumentException ex) {
      System.err.println("hello-service: cannot read " + manifest + ": " + ex.getMessage());
      return new BuildInfo(UNKNOWN, UNKNOWN);
    }
  }

  /** The version and git.commit of a manifest's text; IllegalArgumentException if not JSON. */
  static BuildInfo fromJson(String json) {
    Object root = Json.parse(json);
    Object git = field(root, "git");
    return new BuildInfo(text(field(root, "version")), text(field(git, "commit")));
  }

  /** The answer of GET /version. */
  String toJson() {
    return "{\"version\":" + Json.quote(version) + ",\"commit\":" + Json.quote(commit) + "}";
  }

  private static Object field(Object node, String name) {
    return node instanceof Map<?, ?> map ? map.get(name) : null;
  }

  private static String text(Object value) {
    return value instanceof String s && !s.isEmpty() ? s : UNKNOWN;
  }
}
