package dev.skiff.kconfig;

import dev.skiff.SkiffException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code choice ... endchoice} groups of a Kconfig tree (Buildroot and its BR2_EXTERNAL trees):
 * which symbols exclude each other. Kconfig keeps the last {@code =y} of a choice, so a board
 * layer's {@code BR2_aarch64=y} after the base layer's {@code BR2_x86_64=y} turns the latter off;
 * that is the layers' intent, not a symbol Kconfig dropped, and the symbol check must tell the two
 * apart.
 */
public final class KconfigChoices {
    private static final Pattern CONFIG = Pattern.compile("\\s*(?:config|menuconfig)\\s+([A-Za-z0-9_]+)\\s*(?:#.*)?");
    private static final Pattern CHOICE = Pattern.compile("\\s*choice(?:\\s+.*)?");
    private static final Pattern ENDCHOICE = Pattern.compile("\\s*endchoice\\s*(?:#.*)?");

    /** Directories of a Buildroot tree that hold no Kconfig files but may hold a great many others. */
    private static final Set<String> SKIPPED = Set.of(".git", "output", "dl");

    private final List<Path> trees;
    private Map<String, Set<String>> groupOf;
    /** Every symbol a {@code config} or {@code menuconfig} line defines, choice or not. */
    private Set<String> defined;

    private KconfigChoices(List<Path> trees, Map<String, Set<String>> groupOf, Set<String> defined) {
        this.trees = List.copyOf(trees);
        this.groupOf = groupOf;
        this.defined = defined;
    }

    public static KconfigChoices none() {
        return new KconfigChoices(List.of(), Map.of(), Set.of());
    }

    /**
     * The choices of every Kconfig file ({@code Config.*}, {@code *.in}) below the given trees,
     * read on first use: most configurations never need them.
     */
    public static KconfigChoices scan(List<Path> trees) {
        return new KconfigChoices(trees, null, null);
    }

    private synchronized Map<String, Set<String>> groups() {
        if (groupOf != null) return groupOf;
        Map<String, Set<String>> g = new HashMap<>();
        Set<String> all = new java.util.HashSet<>();
        for (Path given : trees) {
            if (!Files.isDirectory(given)) continue;
            List<Path> files = new ArrayList<>();
            try {
                // The tree is often a link (skiffos/buildroot -> a checkout elsewhere), and a walk
                // does not descend into a link it starts on: it would find no choices at all.
                Path tree = given.toRealPath();
                Files.walkFileTree(tree, new java.nio.file.SimpleFileVisitor<>() {
                    @Override
                    public java.nio.file.FileVisitResult preVisitDirectory(Path dir, java.nio.file.attribute.BasicFileAttributes a) {
                        return !dir.equals(tree) && SKIPPED.contains(dir.getFileName().toString())
                                ? java.nio.file.FileVisitResult.SKIP_SUBTREE : java.nio.file.FileVisitResult.CONTINUE;
                    }

                    @Override
                    public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes a) {
                        String n = file.getFileName().toString();
                        if (a.isRegularFile() && (n.startsWith("Config.") || n.endsWith(".in"))) files.add(file);
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                throw new SkiffException("cannot read the Kconfig files of " + given + ": " + e.getMessage(), e);
            }
            for (Path f : files) read(f, g, all);
        }
        groupOf = g;
        defined = Collections.unmodifiableSet(all);
        return g;
    }

    static void read(Path file, Map<String, Set<String>> groupOf) {
        read(file, groupOf, new java.util.HashSet<>());
    }

    static void read(Path file, Map<String, Set<String>> groupOf, Set<String> defined) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new SkiffException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<String> members = null;
        for (String line : lines) {
            Matcher def = CONFIG.matcher(line);
            if (def.matches()) defined.add(def.group(1));
            if (members == null) {
                if (CHOICE.matcher(line).matches()) members = new ArrayList<>();
                continue;
            }
            if (ENDCHOICE.matcher(line).matches()) {
                Set<String> group = Collections.unmodifiableSet(new java.util.LinkedHashSet<>(members));
                for (String m : members) groupOf.put(m, group);
                members = null;
                continue;
            }
            Matcher m = CONFIG.matcher(line);
            if (m.matches()) members.add(m.group(1));
        }
    }

    /**
     * Every symbol the trees define; empty when no tree was given (then nothing can be said
     * about a symbol being unknown).
     */
    public Set<String> defined() {
        groups();
        return defined;
    }

    /** The other members of {@code symbol}'s choice; empty when it is not in one. */
    public Set<String> siblings(String symbol) {
        Set<String> g = groups().get(symbol);
        if (g == null) return Set.of();
        Set<String> s = new java.util.LinkedHashSet<>(g);
        s.remove(symbol);
        return s;
    }
}
