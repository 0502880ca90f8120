package dev.triage.localstack;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * A client that resets its connection instead of closing it (the Node.js driver 6 does, on every
 * {@code close()}) is a normal end of that connection, logged at debug; mongo-java-server's last
 * handler would log it as an ERROR with a stack trace. Any other failure still reaches that handler.
 */
@ChannelHandler.Sharable
final class ClientDisconnects extends ChannelInboundHandlerAdapter {

    private static final String NAME = "triage-client-disconnects";
    private static final ClientDisconnects INSTANCE = new ClientDisconnects();
    private static final Logger LOG = LoggerFactory.getLogger(ClientDisconnects.class);

    private ClientDisconnects() {
    }

    /**
     * Puts this handler last in the pipeline of {@code channel}, where mongo-java-server's database
     * handler passes on what it does not handle, before its exception handler; once per channel.
     */
    static void installOn(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        ChannelHandlerContext last = pipeline.lastContext();
        if (last != null && pipeline.get(NAME) == null) {
            pipeline.addBefore(last.name(), NAME, INSTANCE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("client {} ended its connection: {}", ctx.channel().id(), cause.toString());
            ctx.channel().close();
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }
}
