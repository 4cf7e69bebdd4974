package io.palisade.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Small TCP port helpers. */
final class Ports {
    private Ports() {
    }

    /** A port that is free right now on 127.0.0.1. */
    static int free() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** True if nothing listens on the port (tested by binding the wildcard address, which also clashes with 127.0.0.1). */
    static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void requireFree(int port, String what) throws PortInUseException {
        if (!isFree(port)) {
            throw new PortInUseException(port, what);
        }
    }

    /** True if something accepts TCP connections on host:port. */
    static boolean accepts(String host, int port, int timeoutMillis) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
