package io.palisade.group.dynamic.rule;

/** IPv4 addresses and CIDR blocks in strict dotted-quad form (no leading zeros, no abbreviations). */
final class Ipv4 {
    private Ipv4() {
    }

    /** A block of addresses: the network address (host bits zero) and the prefix length 0..32. */
    record Block(int network, int prefix) {
        boolean contains(int address) {
            return prefix == 0 || (address >>> (32 - prefix)) == (network >>> (32 - prefix));
        }

        /** "a.b.c.d" for a /32, else "a.b.c.d/n". */
        String text() {
            return prefix == 32 ? format(network) : format(network) + "/" + prefix;
        }
    }

    /** The address, or -1L if the text is not a strict dotted-quad IPv4 address. */
    static long parseAddress(String s) {
        if (s == null) {
            return -1;
        }
        int n = s.length();
        long address = 0;
        int parts = 0;
        int i = 0;
        while (parts < 4) {
            int start = i;
            int value = 0;
            while (i < n && i - start < 4 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return -1;
            }
            address = (address << 8) | value;
            parts++;
            if (parts < 4) {
                if (i >= n || s.charAt(i) != '.') {
                    return -1;
                }
                i++;
            }
        }
        return i == n ? address : -1;
    }

    /** Parses "a.b.c.d" (a /32) or "a.b.c.d/n"; null if malformed or if host bits are set. */
    static Block parseBlock(String s) {
        if (s == null) {
            return null;
        }
        int slash = s.indexOf('/');
        if (slash < 0) {
            long address = parseAddress(s);
            return address < 0 ? null : new Block((int) address, 32);
        }
        long address = parseAddress(s.substring(0, slash));
        Integer prefix = parsePrefix(s.substring(slash + 1));
        if (address < 0 || prefix == null) {
            return null;
        }
        int a = (int) address;
        if (prefix < 32 && (a & (prefix == 0 ? -1 : (-1 >>> prefix))) != 0) {
            return null;
        }
        return new Block(a, prefix);
    }

    /** Whether "a.b.c.d/n" is well formed except for host bits set to the right of the mask. */
    static boolean hasHostBits(String s) {
        int slash = s == null ? -1 : s.indexOf('/');
        if (slash < 0) {
            return false;
        }
        long address = parseAddress(s.substring(0, slash));
        Integer prefix = parsePrefix(s.substring(slash + 1));
        return address >= 0 && prefix != null && parseBlock(s) == null;
    }

    /** The network of "a.b.c.d/n" with the host bits cleared, as text (for error messages). */
    static String networkOf(String s) {
        int slash = s.indexOf('/');
        int a = (int) parseAddress(s.substring(0, slash));
        int prefix = parsePrefix(s.substring(slash + 1));
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        return format(a & mask) + "/" + prefix;
    }

    private static Integer parsePrefix(String p) {
        if (p.isEmpty() || p.length() > 2 || (p.length() == 2 && p.charAt(0) == '0')) {
            return null;
        }
        for (int i = 0; i < p.length(); i++) {
            if (p.charAt(i) < '0' || p.charAt(i) > '9') {
                return null;
            }
        }
        int prefix = Integer.parseInt(p);
        return prefix > 32 ? null : prefix;
    }

    /**
     * An inventory entry as a canonical address text: "a.b.c.d" or "a.b.c.d/n" (the interface address with its
     * prefix; the address is kept), surrounding blanks ignored. Null if it is not IPv4.
     */
    static String canonicalInventoryAddress(String s) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        int slash = t.indexOf('/');
        if (slash >= 0) {
            if (parsePrefix(t.substring(slash + 1)) == null) {
                return null;
            }
            t = t.substring(0, slash);
        }
        long address = parseAddress(t);
        return address < 0 ? null : format((int) address);
    }

    static String format(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255);
    }
}
