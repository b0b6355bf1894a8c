package dev.skiff.ota;

import dev.skiff.SkiffException;

/**
 * Where a running device is reached: {@code [user@]host[:port]}, as typed after {@code -Dskiff.host}.
 * The user defaults to {@code root} (SkiffOS's host OS has no other login); the port to 22. An IPv6
 * address with a port is written in brackets: {@code root@[fe80::1]:2222}.
 */
public record DeviceAddress(String user, String host, int port) {
    public static final String DEFAULT_USER = "root";
    public static final int DEFAULT_PORT = 22;

    public DeviceAddress {
        if (user == null || user.isEmpty() || host == null || host.isEmpty()) {
            throw new IllegalArgumentException("user and host are required");
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
    }

    /** Parses {@code [user@]host[:port]}; {@code where} names the parameter in error messages. */
    public static DeviceAddress parse(String spec, String where) {
        if (spec == null || spec.isBlank()) {
            throw new SkiffException(where + " is empty: give the device as user@host[:port], for example"
                    + " -Dskiff.host=root@192.168.1.50 or -Dskiff.host=root@skiff.local:2222.");
        }
        String s = spec.trim();
        if (s.chars().anyMatch(Character::isWhitespace)) throw invalid(spec, where, "it contains white space");
        String user = DEFAULT_USER;
        int at = s.lastIndexOf('@');
        if (at >= 0) {
            user = s.substring(0, at);
            s = s.substring(at + 1);
            if (user.isEmpty()) throw invalid(spec, where, "the user before '@' is empty");
            if (!user.matches("[A-Za-z0-9._][A-Za-z0-9._-]*")) throw invalid(spec, where, "'" + user + "' is not a valid user name");
        }
        String host;
        String portText = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) throw invalid(spec, where, "'[' without ']'");
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) throw invalid(spec, where, "unexpected '" + rest + "' after ']'");
                portText = rest.substring(1);
            }
        } else {
            int first = s.indexOf(':');
            if (first >= 0 && first == s.lastIndexOf(':')) {
                host = s.substring(0, first);
                portText = s.substring(first + 1);
            } else {
                host = s; // no colon, or a bare IPv6 address (several colons, no port)
            }
        }
        if (host.isEmpty()) throw invalid(spec, where, "the host is empty");
        if (!host.matches("[A-Za-z0-9._:%-]+")) throw invalid(spec, where, "'" + host + "' is not a host name or address");
        int port = DEFAULT_PORT;
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw invalid(spec, where, "the port '" + portText + "' is not a number");
            }
            if (port < 1 || port > 65535) throw invalid(spec, where, "the port " + port + " is not between 1 and 65535");
        }
        return new DeviceAddress(user, host, port);
    }

    private static SkiffException invalid(String spec, String where, String why) {
        return new SkiffException(where + " '" + spec + "' is not user@host[:port]: " + why
                + ". For example root@192.168.1.50, root@skiff.local:2222 or root@[fe80::1]:22.");
    }

    /** The host as OpenSSH writes it in known_hosts: {@code host}, or {@code [host]:port} off port 22. */
    public String knownHostsName() {
        return port == DEFAULT_PORT ? host : "[" + host + "]:" + port;
    }

    @Override
    public String toString() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return user + "@" + h + (port == DEFAULT_PORT ? "" : ":" + port);
    }
}
