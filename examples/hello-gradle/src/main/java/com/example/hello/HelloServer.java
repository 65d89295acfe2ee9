package com.example.hello;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP side of hello-service on the JDK's built-in server:
 *
 * <ul>
 *   <li>{@code GET /health}: 200 {@code {"status":"UP"}}, what beaver's health check asks;
 *   <li>{@code GET /version}: the version and git commit of the running package;
 *   <li>{@code GET /}: the greeting from conf/application.properties.
 * </ul>
 *
 * Anything else is 404, and a method other than GET or HEAD on a known path is 405.
 */
final class HelloServer {
  private final HttpServer server;
  private final ExecutorService workers;

  /** Binds address:port (port 0 picks a free one) without starting to serve. */
  HelloServer(InetSocketAddress address, BuildInfo build, String greeting) throws IOException {
    this(address, build, greeting, false);
  }

  /**
   * As above; in maintenance, /health answers 503 DOWN, so a load balancer (and beaver's deploy)
   * takes this instance out.
   */
  HelloServer(InetSocketAddress address, BuildInfo build, String greeting, boolean maintenance)
      throws IOException {
    server = HttpServer.create(address, 0);
    workers = Executors.newFixedThreadPool(4);
    server.setExecutor(workers);
    String versionBody = build.toJson();
    String greetingBody = "{\"message\":" + Json.quote(greeting) + "}";
    // One context for "/" because contexts match by prefix: "/health" would also take
    // "/healthz"; the exact path is checked here instead.
    server.createContext("/", exchange -> {
      try (exchange) {
        String body = switch (exchange.getRequestURI().getPath()) {
          case "/health" -> maintenance ? null : "{\"status\":\"UP\"}";
          case "/version" -> versionBody;
          case "/" -> greetingBody;
          default -> null;
        };
        String method = exchange.getRequestMethod();
        if (body == null && maintenance && exchange.getRequestURI().getPath().equals("/health")) {
          send(exchange, 503, "{\"status\":\"DOWN\",\"reason\":\"maintenance\"}");
        } else if (body == null) {
          send(exchange, 404, "{\"error\":\"not found\"}");
        } else if (!method.equals("GET") && !method.equals("HEAD")) {
          exchange.getResponseHeaders().set("Allow", "GET, HEAD");
          send(exchange, 405, "{\"error\":\"method not allowed\"}");
        } else {
          send(exchange, 200, body);
        }
      }
    });
  }

  void start() {
    server.start();
  }

  /** The bound address, with the real port when 0 was asked for. */
  InetSocketAddress address() {
    return server.getAddress();
  }

  /**
   * Takes no new exchanges, lets those in flight finish for up to graceSeconds, then closes.
   * Draining the workers first, then stop(0): JDK 17's stop(delay) always waits the whole
   * delay even when nothing is in flight (JDK-8304065), which would slow every deploy.
   */
  void stop(int graceSeconds) {
    workers.shutdown();
    try {
      workers.awaitTermination(graceSeconds, TimeUnit.SECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
    server.stop(0);
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    // -1: no body for HEAD, as the built-in server wants it said.
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
