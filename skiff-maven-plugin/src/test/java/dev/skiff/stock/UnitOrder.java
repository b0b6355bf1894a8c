package dev.skiff.stock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The start order of a set of systemd units, read from their unit files and drop-ins the way
 * systemd reads them: explicit {@code After=}/{@code Before=}, plus the implicit dependencies
 * systemd.service(5), systemd.mount(5) and systemd.unit(5) document for
 * {@code DefaultDependencies=yes} and {@code RequiresMountsFor=}. Units that are only extended by
 * drop-ins here (a package's own unit, such as docker.service) count as services with default
 * dependencies, which is what the Buildroot packages' units are.
 */
final class UnitOrder {
    /** One unit: its settings, {@code "Section.Key"} to the words of every assignment, in order. */
    record Unit(String name, Map<String, List<String>> settings, List<Path> sources) {
        List<String> get(String key) {
            return settings.getOrDefault(key, List.of());
        }

        Optional<String> single(String key) {
            List<String> v = get(key);
            return v.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", v));
        }

        boolean defaultDependencies() {
            return !single("Unit.DefaultDependencies").map(v -> v.equals("no") || v.equals("false") || v.equals("0")).orElse(false);
        }

        String type() {
            return name.substring(name.lastIndexOf('.') + 1);
        }
    }

    private final Map<String, Unit> units;

    private UnitOrder(Map<String, Unit> units) {
        this.units = units;
    }

    /** Reads every unit and drop-in under the unit directories of {@code root}. */
    static UnitOrder read(Path root) throws IOException {
        Map<String, Path> files = new TreeMap<>();
        Map<String, Map<String, Path>> dropIns = new TreeMap<>();
        // Highest priority first: the first definition of a name wins.
        for (String dir : StockUnits.UNIT_DIRS) {
            Path d = root.resolve(dir);
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> s = Files.list(d)) {
                for (Path p : s.sorted().toList()) {
                    String n = p.getFileName().toString();
                    if (Files.isRegularFile(p) && StockUnits.isUnitName(n)) {
                        files.putIfAbsent(n, p);
                    } else if (Files.isDirectory(p) && n.endsWith(".d") && StockUnits.isUnitName(n.substring(0, n.length() - 2))) {
                        String unit = n.substring(0, n.length() - 2);
                        try (Stream<Path> c = Files.list(p)) {
                            for (Path conf : c.filter(f -> f.getFileName().toString().endsWith(".conf")).toList()) {
                                dropIns.computeIfAbsent(unit, k -> new TreeMap<>()).putIfAbsent(conf.getFileName().toString(), conf);
                            }
                        }
                    }
                }
            }
        }
        Map<String, Unit> units = new TreeMap<>();
        Set<String> names = new LinkedHashSet<>(files.keySet());
        names.addAll(dropIns.keySet());
        for (String n : names) {
            Map<String, List<String>> settings = new LinkedHashMap<>();
            List<Path> sources = new ArrayList<>();
            if (files.containsKey(n)) {
                parse(files.get(n), settings);
                sources.add(files.get(n));
            }
            // Drop-ins apply in file name order, whatever directory they are in.
            for (Path conf : dropIns.getOrDefault(n, Map.of()).values()) {
                parse(conf, settings);
                sources.add(conf);
            }
            units.put(n, new Unit(n, settings, sources));
        }
        return new UnitOrder(units);
    }

    /** systemd's unit file syntax: sections, {@code Key=value}, # and ; comments, \ continuations; an empty value resets a list. */
    static void parse(Path file, Map<String, List<String>> settings) throws IOException {
        String section = "";
        StringBuilder pending = null;
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (pending != null) {
                pending.append(' ').append(line);
                if (line.endsWith("\\")) {
                    pending.setLength(pending.length() - 1);
                    continue;
                }
                line = pending.toString();
                pending = null;
            } else if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            } else if (line.endsWith("\\")) {
                pending = new StringBuilder(line.substring(0, line.length() - 1));
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1);
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) continue;
            String key = section + "." + line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (value.isEmpty()) {
                settings.remove(key);
            } else {
                List<String> words = settings.computeIfAbsent(key, k -> new ArrayList<>());
                for (String w : value.split("\\s+")) words.add(w);
            }
        }
    }

    Optional<Unit> unit(String name) {
        return Optional.ofNullable(units.get(name));
    }

    Set<String> names() {
        return units.keySet();
    }

    /** The units whose start the start of {@code u} waits for: explicit and implicit After=, and others' Before=. */
    private Set<String> after(String name) {
        Set<String> out = new LinkedHashSet<>();
        Unit u = units.get(name);
        if (u != null) {
            out.addAll(u.get("Unit.After"));
            for (String p : u.get("Unit.RequiresMountsFor")) out.addAll(mountsFor(p));
            if (u.type().equals("mount")) {
                String where = u.single("Mount.Where").orElse("/");
                String parent = where.contains("/") && where.lastIndexOf('/') > 0 ? where.substring(0, where.lastIndexOf('/')) : "/";
                out.addAll(mountsFor(parent));
                String what = u.single("Mount.What").orElse("");
                if (what.startsWith("/") && !what.startsWith("/dev/")) out.addAll(mountsFor(what));
            }
            if (u.defaultDependencies()) {
                switch (u.type()) {
                    case "service", "socket", "timer", "path" -> {
                        out.add("sysinit.target");
                        if (u.type().equals("service")) out.add("basic.target");
                    }
                    case "mount" -> out.add("local-fs-pre.target");
                    default -> { }
                }
            }
        }
        for (Unit other : units.values()) {
            if (other.get("Unit.Before").contains(name)) out.add(other.name());
            if (other.defaultDependencies() && other.type().equals("mount") && name.equals("local-fs.target")
                    && !other.get("Mount.Options").toString().contains("nofail")) {
                out.add(other.name());
            }
        }
        out.remove(name);
        return out;
    }

    /** The mount units (among those read) for {@code path} and each of its parents. */
    private List<String> mountsFor(String path) {
        List<String> out = new ArrayList<>();
        for (Unit m : units.values()) {
            if (!m.type().equals("mount")) continue;
            String where = m.single("Mount.Where").orElse(null);
            if (where == null) continue;
            if (path.equals(where) || path.startsWith(where.endsWith("/") ? where : where + "/")) out.add(m.name());
        }
        return out;
    }

    /**
     * The chain of units by which {@code first} is started before {@code then} ({@code first},
     * ..., {@code then}), or empty if nothing orders them.
     */
    Optional<List<String>> chain(String first, String then) {
        Map<String, String> reachedFrom = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>();
        queue.add(then);
        reachedFrom.put(then, null);
        while (!queue.isEmpty()) {
            String cur = queue.poll();
            if (cur.equals(first)) {
                List<String> path = new ArrayList<>();
                for (String n = cur; n != null; n = reachedFrom.get(n)) path.add(n);
                return Optional.of(path);
            }
            for (String prev : after(cur)) {
                if (!reachedFrom.containsKey(prev)) {
                    reachedFrom.put(prev, cur);
                    queue.add(prev);
                }
            }
        }
        return Optional.empty();
    }

    /** What the failure message shows about a unit. */
    String describe(String name) {
        Unit u = units.get(name);
        if (u == null) return name + ": not among the units read";
        return name + " (" + u.sources() + "): After=" + u.get("Unit.After") + " Before=" + u.get("Unit.Before")
                + " RequiresMountsFor=" + u.get("Unit.RequiresMountsFor") + " DefaultDependencies=" + u.defaultDependencies();
    }
}
