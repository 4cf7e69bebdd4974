package io.palisade.kit.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv4 or IPv6 network in CIDR notation; a bare address is a /32 or /128. */
public record Cidr(byte[] network, int prefixLength) {

    public static Cidr parse(String text) {
        String value = text.trim();
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        byte[] bytes = literal(address);
        if (bytes == null) {
            throw new IllegalArgumentException("not an IP address: " + address);
        }
        int max = bytes.length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? max : Integer.parseInt(value.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in " + value);
        }
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("bad prefix length in " + value);
        }
        return new Cidr(mask(bytes, prefix), prefix);
    }

    /** Whether {@code address} (a literal IP, never a host name) lies in this network. */
    public boolean contains(String address) {
        byte[] bytes = literal(address);
        if (bytes == null) {
            return false;
        }
        if (bytes.length != network.length) {
            bytes = mappedIpv4(bytes, network.length);
            if (bytes == null) {
                return false;
            }
        }
        return Arrays.equals(mask(bytes, prefixLength), network);
    }

    /** Parses an IP literal without ever doing a DNS lookup; null when it is not one. */
    static byte[] literal(String address) {
        if (address == null || address.isEmpty() || address.length() > 45) {
            return null;
        }
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        boolean ipv4 = a.chars().allMatch(c -> Character.isDigit(c) || c == '.');
        boolean ipv6 = a.indexOf(':') >= 0 && a.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.' || c == '%');
        if (ipv4) {
            String[] parts = a.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3) {
                    return null;
                }
                int octet = Integer.parseInt(parts[i]);
                if (octet > 255) {
                    return null;
                }
                bytes[i] = (byte) octet;
            }
            return bytes;
        }
        if (ipv6) {
            try {
                int zone = a.indexOf('%');
                return InetAddress.getByName(zone < 0 ? a : a.substring(0, zone)).getAddress();
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    private static byte[] mappedIpv4(byte[] bytes, int wantedLength) {
        if (bytes.length == 16 && wantedLength == 4) {
            for (int i = 0; i < 10; i++) {
                if (bytes[i] != 0) {
                    return null;
                }
            }
            if (bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) {
                return null;
            }
            return Arrays.copyOfRange(bytes, 12, 16);
        }
        return null;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] masked = bytes.clone();
        for (int i = 0; i < masked.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] = (byte) (masked[i] & (0xff << (8 - bits)));
        }
        return masked;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            return "?/" + prefixLength;
        }
    }
}
