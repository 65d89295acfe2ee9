package com.example.hello;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** The endpoints beaver relies on, over real HTTP on a free loopback port. */
public class HelloServerTest {
  private Path manifest;
  private HelloServer server;

  @Before
  public void startServer() throws IOException {
    manifest = Files.createTempFile("MANIFEST", ".json");
    // A "version" key inside files must not be taken for the package's version.
    Files.writeString(manifest, "{\"service\":\"hello-service\",\"version\":\"1.4.2\","
        + "\"files\":{\"version\":\"x\"},\"git\":{\"commit\":\"abc1234\",\"branch\":\"main\"}}");
    server = new HelloServer(new InetSocketAddress("127.0.0.1", 0), BuildInfo.load(manifest),
        "Hi \"there\"");
    server.start();
  }

  @After
  public void stopServer() throws IOException {
    server.stop(0);
    Files.deleteIfExists(manifest);
  }

  @Test
  public void maintenanceTakesHealthDown() throws IOException {
    HelloServer down = new HelloServer(new InetSocketAddress("127.0.0.1", 0),
        BuildInfo.load(manifest), "Hi", true);
    down.start();
    try {
      URL url = new URL("http://127.0.0.1:" + down.address().getPort() + "/health");
      HttpURLConnection c = (HttpURLConnection) url.openConnection();
      assertEquals(503, c.getResponseCode());
    } finally {
      down.stop(0);
    }
  }

  @Test
  public void healthAnswersUp() throws IOException {
    assertEquals("200 {\"status\":\"UP\"}", get("/health"));
  }

  @Test
  public void versionAnswersTheManifestsVersionAndCommit() throws IOException {
    assertEquals("200 {\"version\":\"1.4.2\",\"commit\":\"abc1234\"}", get("/version"));
  }

  @Test
  public void rootAnswersTheGreetingAsJson() throws IOException {
    assertEquals("200 {\"message\":\"Hi \\\"there\\\"\"}", get("/"));
  }

  @Test
  public void anUnknownPathIsNotFoundEvenWhenItStartsLikeAKnownOne() throws IOException {
    assertEquals(404, status("/healthz", "GET"));
  }

  @Test
  public void aPostIsNotAllowed() throws IOException {
    assertEquals(405, status("/health", "POST"));
  }

  @Test
  public void aMissingManifestGivesUnknown() {
    BuildInfo info = BuildInfo.load(Path.of("/nonexistent/MANIFEST.json"));
    assertEquals("unknown", info.version());
    assertEquals("unknown", info.commit());
  }

  @Test
  public void aManifestWithoutGitGivesAnUnknownCommit() {
    BuildInfo info = BuildInfo.fromJson("{\"version\":\"2.0.0\"}");
    assertEquals("2.0.0", info.version());
    assertEquals("unknown", info.commit());
  }

  @Test
  public void aMalformedManifestGivesUnknown() throws IOException {
    Files.writeString(manifest, "{\"version\":");
    assertEquals("unknown", BuildInfo.load(manifest).version());
  }

  private HttpURLConnection open(String path, String method) throws IOException {
    URL url = new URL("http://127.0.0.1:" + server.address().getPort() + path);
    HttpURLConnection conn = (HttpURLConnection) url.openConnection();
    conn.setRequestMethod(method);
    return conn;
  }

  private int status(String path, String method) throws IOException {
    HttpURLConnection conn = open(path, method);
    try {
      return conn.getResponseCode();
    } finally {
      conn.disconnect();
    }
  }

  /** "STATUS BODY" of a GET. */
  private String get(String path) throws IOException {
    HttpURLConnection conn = open(path, "GET");
    try (InputStream in = conn.getInputStream()) {
      return conn.getResponseCode() + " " + new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      conn.disconnect();
    }
  }
}
