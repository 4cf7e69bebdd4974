package io.palisade.kit.http;

import java.util.List;

/**
 * The address of the client a request comes from: the direct peer, or, when the direct peer is a
 * trusted proxy, the right-most address in {@code X-Forwarded-For} that is not itself a trusted proxy.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String resolve(String peer, String forwardedFor, List<Cidr> trustedProxies) {
        if (forwardedFor == null || forwardedFor.isBlank() || !inAny(peer, trustedProxies)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        String client = peer;
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (Cidr.literal(hop) == null) {
                return client;
            }
            client = hop;
            if (!inAny(hop, trustedProxies)) {
                return hop;
            }
        }
        return client;
    }

    public static boolean inAny(String address, List<Cidr> networks) {
        for (Cidr network : networks) {
            if (network.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
