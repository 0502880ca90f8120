package dev.triage.cli.service;

import dev.triage.core.config.Env;
import dev.triage.gateway.GatewayConfig;
import dev.triage.gateway.GatewayService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code triage gateway}: the HTTP API and the MongoDB relay against external Kafka and MongoDB. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Run the ingest gateway (POST /classify, MongoDB relay); config from env and .env.")
public final class GatewayCommand implements Callable<Integer> {

    @Option(names = "--port", description = "HTTP port (env GATEWAY_PORT, default 8000).")
    Integer port;

    @Option(names = "--no-relay", description = "Do not relay new MongoDB queries (env RELAY_ENABLED=false).")
    boolean noRelay;

    @Override
    public Integer call() throws Exception {
        Map<String, String> flags = new HashMap<>();
        if (port != null) {
            flags.put("GATEWAY_PORT", port.toString());
        }
        if (noRelay) {
            flags.put("RELAY_ENABLED", "false");
        }
        GatewayConfig config = GatewayConfig.fromEnv(Env.load().with(flags));
        GatewayService gateway = GatewayService.start(config);
        return ServiceRunner.runUntilStopped(gateway, gateway::problem);
    }
}
