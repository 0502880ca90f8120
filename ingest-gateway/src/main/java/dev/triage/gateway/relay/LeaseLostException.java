package dev.triage.gateway.relay;

/**
 * Another gateway took the relay lease: this relay's tenure (its epoch) is over, so it must stop
 * before it publishes or saves anything more.
 */
public final class LeaseLostException extends RuntimeException {

    LeaseLostException(String message) {
        super(message);
    }
}
