package io.palisade.simulator;

import java.time.Duration;

/**
 * How a {@link Swarm} runs. Required: the gateway URL, the installer token and the pinned CA; the rest has defaults
 * (10 agents, the gateway's interval, 60 s, seed 1, 32 enrolments at a time, EC keys, a report every 5 s).
 */
public final class SwarmOptions {
    private final String gatewayUrl;
    private final String token;
    private final String trustedCaPem;
    private String caLabel;
    private ProxySpec proxy;
    private int agents = 10;
    private Double intervalSeconds;
    private Duration duration = Duration.ofSeconds(60);
    private long seed = 1;
    private int enrollConcurrency = 32;
    private AgentKeys.KeyType keyType = AgentKeys.KeyType.EC;
    private Duration reportEvery = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(30);

    public SwarmOptions(String gatewayUrl, String token, String trustedCaPem) {
        this.gatewayUrl = gatewayUrl;
        this.token = token;
        this.trustedCaPem = trustedCaPem;
    }

    /** How the CA was given (a file name), for error messages. */
    public SwarmOptions caLabel(String value) {
        this.caLabel = value;
        return this;
    }

    /** Every agent connects through this proxy; null (default) for direct connections. */
    public SwarmOptions proxy(ProxySpec value) {
        this.proxy = value;
        return this;
    }

    /** How many agents; each has its own key, certificate and connection. */
    public SwarmOptions agents(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("agents must be at least 1");
        }
        this.agents = value;
        return this;
    }

    /** Seconds between an agent's check-ins (fractions allowed; 0 = closed loop); null = the gateway's interval. */
    public SwarmOptions intervalSeconds(Double value) {
        if (value != null && value < 0) {
            throw new IllegalArgumentException("interval must not be negative");
        }
        this.intervalSeconds = value;
        return this;
    }

    /** How long the agents check in, counted from the end of enrolment. */
    public SwarmOptions duration(Duration value) {
        this.duration = value;
        return this;
    }

    /** Agent i simulates {@code SimulatedDevice.random(seed + i)}: the same seed, the same fleet. */
    public SwarmOptions seed(long value) {
        this.seed = value;
        return this;
    }

    /** Enrolments in flight at once. */
    public SwarmOptions enrollConcurrency(int value) {
        this.enrollConcurrency = Math.max(1, value);
        return this;
    }

    public SwarmOptions keyType(AgentKeys.KeyType value) {
        this.keyType = value;
        return this;
    }

    /** How often the progress callback gets a report. */
    public SwarmOptions reportEvery(Duration value) {
        this.reportEvery = value;
        return this;
    }

    /** How long one request may wait for its answer. */
    public SwarmOptions requestTimeout(Duration value) {
        this.requestTimeout = value;
        return this;
    }

    public String gatewayUrl() {
        return gatewayUrl;
    }

    public String token() {
        return token;
    }

    public String trustedCaPem() {
        return trustedCaPem;
    }

    public String caLabel() {
        return caLabel;
    }

    public ProxySpec proxy() {
        return proxy;
    }

    public int agents() {
        return agents;
    }

    public Double intervalSeconds() {
        return intervalSeconds;
    }

    public Duration duration() {
        return duration;
    }

    public long seed() {
        return seed;
    }

    public int enrollConcurrency() {
        return enrollConcurrency;
    }

    public AgentKeys.KeyType keyType() {
        return keyType;
    }

    public Duration reportEvery() {
        return reportEvery;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }
}
