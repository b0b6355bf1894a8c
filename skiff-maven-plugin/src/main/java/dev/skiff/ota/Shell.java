package dev.skiff.ota;

import java.util.List;

/** POSIX shell quoting for commands run on the device. */
final class Shell {
    private Shell() {}

    /** {@code 'text'} with embedded single quotes closed, escaped and reopened. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** {@code sh -c '<script>' skiff <args...>}: the script sees the arguments as {@code $1...}. */
    static String script(String script, List<String> args) {
        StringBuilder sb = new StringBuilder("sh -c ").append(quote(script)).append(" skiff");
        for (String a : args) sb.append(' ').append(quote(a));
        return sb.toString();
    }
}
