package com.example.hello;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Starts hello-service. Configuration comes from the environment, as beaver's launcher sets it:
 * SERVER_PORT (default 8080), SERVER_ADDRESS (default 127.0.0.1, so nothing is exposed unless
 * asked), BEAVER_MANIFEST (the package's MANIFEST.json). conf/application.properties, relative to
 * the working folder (the launcher runs from the package root) or at system property config.file,
 * holds the greeting and, with maintenance=true, takes the instance out of service (/health 503).
 */
public final class Main {
  private static final int STOP_GRACE_SECONDS = 5;

  private Main() {}

  public static void main(String[] args) {
    int port;
    try {
      port = Integer.parseInt(env("SERVER_PORT", "8080"));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException ex) {
      System.err.println("hello-service: SERVER_PORT must be a port number, got '"
          + System.getenv("SERVER_PORT") + "'");
      System.exit(2);
      return;
    }
    String host = env("SERVER_ADDRESS", "127.0.0.1");
    BuildInfo build = BuildInfo.load(BuildInfo.manifestPath());
    Properties config = loadConfig();
    String greeting = config.getProperty("greeting", "Hello");
    boolean maintenance = Boolean.parseBoolean(config.getProperty("maintenance", "false"));

    HelloServer server;
    try {
      server = new HelloServer(new InetSocketAddress(host, port), build, greeting, maintenance);
    } catch (IOException ex) {
      System.err.println("hello-service: cannot listen on " + host + ":" + port + ": " + ex);
      System.exit(1);
      return;
    }
    // SIGTERM (the launcher's stop, systemd) runs shutdown hooks: finish requests in flight.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("hello-service: stopping");
      server.stop(STOP_GRACE_SECONDS);
      System.out.println("hello-service: stopped");
    }, "shutdown"));
    server.start();
    InetSocketAddress bound = server.address();
    System.out.println("hello-service " + build.version() + " (" + build.commit()
        + ") listening on " + bound.getHostString() + ":" + bound.getPort());
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }

  private static Properties loadConfig() {
    Path file = Path.of(System.getProperty("config.file", "conf/application.properties"));
    Properties props = new Properties();
    if (Files.isReadable(file)) {
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        props.load(in);
      } catch (IOException ex) {
        System.err.println("hello-service: cannot read " + file + ": " + ex.getMessage());
      }
    }
    return props;
  }
}
