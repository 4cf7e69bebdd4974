package io.palisade.local.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyproxyTest {

    @Test
    void configAllowsOnlyAuthenticatedTunnelsToTheAgentPortFromLoopback() {
        String config = Tinyproxy.config(3128, "s3cret", 8443, Path.of("/tmp/x.log"));
        assertTrue(config.contains("Port 3128\n"));
        assertTrue(config.contains("Listen 127.0.0.1\n"));
        assertTrue(config.contains("Allow 127.0.0.1\n"));
        assertTrue(config.contains("BasicAuth demo s3cret\n"));
        assertTrue(config.contains("ConnectPort 8443\n"));
    }

    @Test
    void findsTheExecutableOnThePath(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        assertEquals(Optional.empty(), Tinyproxy.find(bin.toString()));
        Path exe = Files.createFile(bin.resolve("tinyproxy"));
        exe.toFile().setExecutable(true);
        assertEquals(Optional.of(exe), Tinyproxy.find(dir.resolve("nothing") + ":" + bin));
        assertEquals(Optional.empty(), Tinyproxy.find(null));
    }

    /** With Debian's tinyproxy installed (CI machines have none): a tunnel needs the password. */
    @Test
    void theRealTinyproxyTunnelsOnlyWithTheRightPassword(@TempDir Path dir) throws Exception {
        Optional<Path> exe = Tinyproxy.find(System.getenv("PATH"));
        assumeTrue(exe.isPresent(), "tinyproxy is not installed");
        try (ServerSocket target = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress());
             Tinyproxy proxy = Tinyproxy.start(exe.get(), dir, "pw-" + System.nanoTime(), target.getLocalPort())) {
            String password = proxy.url().replaceAll(".*demo:(.*)@.*", "$1");
            String none = connect(proxy.port(), target.getLocalPort(), null);
            assertTrue(none.contains(" 407 "), none);
            String wrong = connect(proxy.port(), target.getLocalPort(), "demo:wrong");
            // tinyproxy 1.11 answers a wrong password with 401 rather than 407
            assertTrue(wrong.contains(" 407 ") || wrong.contains(" 401 "), wrong);
            assertTrue(connect(proxy.port(), target.getLocalPort(), "demo:" + password).contains(" 200 "));
            assertTrue(connect(proxy.port(), target.getLocalPort() == 1 ? 2 : 1, "demo:" + password).contains(" 403 "),
                    "only the agent port");
        }
    }

    private static String connect(int proxyPort, int targetPort, String credentials) throws Exception {
        try (Socket s = new Socket("127.0.0.1", proxyPort)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            String auth = credentials == null ? "" : "Proxy-Authorization: Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)) + "\r\n";
            out.write(("CONNECT 127.0.0.1:" + targetPort + " HTTP/1.1\r\nHost: 127.0.0.1:" + targetPort + "\r\n" + auth
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }
}
