package dev.triage.localstack;

import dev.triage.core.config.ConfigException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port choice for embedded servers: 0 means any free port; a taken port fails with a clear message. */
public final class Ports {

    private Ports() {
    }

    /**
     * Returns {@code requested} if it can be bound on loopback, or a free port when it is 0.
     *
     * @param what the server, for the message ("Kafka")
     * @param flag the option that changes the port, for the message ("--kafka-port")
     */
    public static int claim(int requested, String what, String flag) {
        if (requested < 0 || requested > 65535) {
            throw new ConfigException(flag + " must be a port between 0 and 65535, was " + requested);
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), requested));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new PortInUseException(what + " cannot listen on port " + requested
                    + ": it is already in use. Stop what is using it, or choose another port with " + flag
                    + " (0 picks a free one).");
        }
    }

    /** A port that cannot be bound. */
    public static final class PortInUseException extends IllegalStateException {
        PortInUseException(String message) {
            super(message);
        }
    }
}
