package dev.skiff.layer;

import dev.skiff.NearestNames;
import dev.skiff.SkiffException;
import java.util.ArrayList;
import java.util.List;

/** The extension commands of a chain, addressed as {@code <category>/<name>/<command>}. */
public final class LayerCommands {
    /** A command and the layer whose {@code extensions/Makefile} runs it. */
    public record Found(Layer layer, LayerCommand command) {
        public String address() {
            return layer.name() + "/" + command.name();
        }
    }

    private LayerCommands() {}

    public static List<Found> of(ResolvedChain chain) {
        List<Found> out = new ArrayList<>();
        for (Layer l : chain.layers()) for (LayerCommand c : l.commands()) out.add(new Found(l, c));
        return out;
    }

    /** The command {@code address} names, or an error listing the chain's commands and the nearest one. */
    public static Found find(ResolvedChain chain, String address) {
        List<Found> all = of(chain);
        String wanted = address == null ? "" : address.trim();
        for (Found f : all) if (f.address().equals(wanted)) return f;
        StringBuilder sb = new StringBuilder();
        sb.append(wanted.isEmpty() ? "no command given: use -Dskiff.command=<category>/<name>/<command>."
                : "unknown command " + wanted + " in chain " + chain.text() + "."
                        + NearestNames.hint(wanted, all.stream().map(Found::address).toList()));
        sb.append(" Commands of this chain:");
        if (all.isEmpty()) sb.append(" none.");
        for (Found f : all) sb.append("\n  ").append(f.address()).append("  (").append(f.command().description()).append(')');
        throw new SkiffException(sb.toString());
    }
}
