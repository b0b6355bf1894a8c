package dev.skiff.install;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a sparse file holds data, from the file system's extent map ({@code filefrag}, FIEMAP,
 * e2fsprogs), so that a copy reads only those ranges: Java cannot seek to data or holes, and
 * reading a hole still costs a kernel copy of zeros (about 0.5 to 5 GB/s), which for a
 * mostly-empty 64 GB card image is minutes. When the map is unavailable (no filefrag, a file
 * system without FIEMAP, output not understood) the caller reads everything; nothing depends
 * on the map being present.
 */
final class DataMap {
    private static final Pattern BLOCKS = Pattern.compile("blocks of (\\d+) bytes");
    private static final Pattern EXTENT = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\.\\.\\s*(\\d+):");
    private static final Pattern COUNT = Pattern.compile("(\\d+) extents? found");

    private DataMap() {}

    /**
     * The byte ranges {@code [start, end)} of {@code file} that may hold data, sorted and
     * merged, or null if unknown. The file is synced first so delayed allocations show.
     */
    static List<long[]> of(Tools tools, Path file) {
        if (!Files.isRegularFile(file) || tools.find("filefrag") == null) return null;
        Tools.Result r = tools.runAllowingFailure(List.of("filefrag", "-s", "-e", file.toString()), null);
        if (r.exitCode() != 0) return null;
        return parse(r.output());
    }

    static List<long[]> parse(String out) {
        Matcher bm = BLOCKS.matcher(out);
        Matcher cm = COUNT.matcher(out);
        if (!bm.find() || !cm.find()) return null;
        long block = Long.parseLong(bm.group(1));
        int expected = Integer.parseInt(cm.group(1));
        List<long[]> ranges = new ArrayList<>();
        int seen = 0;
        for (String line : out.lines().toList()) {
            Matcher m = EXTENT.matcher(line);
            if (!m.find()) continue;
            seen++;
            long start = Long.parseLong(m.group(1)) * block;
            long end = (Long.parseLong(m.group(2)) + 1) * block;
            if (!ranges.isEmpty() && ranges.get(ranges.size() - 1)[1] >= start) {
                long[] last = ranges.get(ranges.size() - 1);
                last[1] = Math.max(last[1], end);
            } else {
                ranges.add(new long[] {start, end});
            }
        }
        if (seen < expected) return null;
        for (int i = 1; i < ranges.size(); i++) if (ranges.get(i)[0] < ranges.get(i - 1)[0]) return null;
        return ranges;
    }

    /** The parts of {@code [offset, offset + length)} that the map says may hold data. */
    static List<long[]> within(List<long[]> map, long offset, long length) {
        List<long[]> out = new ArrayList<>();
        if (map == null) {
            out.add(new long[] {offset, offset + length});
            return out;
        }
        long end = offset + length;
        for (long[] r : map) {
            long s = Math.max(r[0], offset);
            long e = Math.min(r[1], end);
            if (s < e) out.add(new long[] {s, e});
        }
        return out;
    }
}
