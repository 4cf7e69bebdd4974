package io.palisade.local;

import java.io.IOException;

/** A TCP port that LocalPostgres, LocalKafka or the launcher wanted to listen on is already taken. */
public final class PortInUseException extends IOException {
    private final int port;

    public PortInUseException(int port, String what) {
        super("Port " + port + " (" + what + ") is already in use");
        this.port = port;
    }

    public int port() {
        return port;
    }
}
