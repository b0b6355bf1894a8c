package dev.skiff.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.layer.Layer;
import dev.skiff.layer.LayerCatalog;
import dev.skiff.layer.LayerRoot;
import dev.skiff.testing.LayerTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README is the user's manual: its layer table, goals and parameters must match the code. */
class ReadmeTest {
    private static String readme() throws Exception {
        return Files.readString(LayerTree.stockLayers().resolve("../../../../README.md").normalize());
    }

    @Test
    void theStockLayerTableListsEveryLayerWithItsDescription() throws Exception {
        String readme = readme();
        LayerCatalog c = LayerCatalog.scan(List.of(new LayerRoot("stock", LayerTree.stockLayers(), LayerRoot.Kind.STOCK)), Map.of());
        for (Layer l : c.all()) {
            String row = "| `" + l.name() + "` | " + l.description().replace('|', '/') + " |";
            assertTrue(readme.contains(row), "README lacks the row for " + l.name() + ": " + row);
        }
        Matcher m = Pattern.compile("\\n(\\d+) layers, of which").matcher(readme);
        assertTrue(m.find(), "README states the layer count");
        assertEquals(c.names().size(), Integer.parseInt(m.group(1)));
    }

    @Test
    void everyGoalAndEveryParameterIsDocumented() throws Exception {
        String readme = readme();
        Path pluginXml = Path.of("target/classes/META-INF/maven/plugin.xml");
        String xml = Files.readString(pluginXml);
        TreeSet<String> goals = new TreeSet<>();
        Matcher g = Pattern.compile("<goal>([a-z-]+)</goal>").matcher(xml);
        while (g.find()) goals.add(g.group(1));
        for (String goal : goals) assertTrue(readme.contains("`skiff:" + goal + "`"), "README lacks goal " + goal);
        TreeSet<String> props = new TreeSet<>();
        Matcher p = Pattern.compile("\\$\\{(skiff\\.[A-Za-z.]+)}").matcher(xml);
        while (p.find()) props.add(p.group(1));
        for (String prop : props) {
            if (prop.endsWith(".skip")) continue; // documented as the skiff.<goal>.skip rule
            assertTrue(readme.contains("`" + prop + "`"), "README lacks parameter " + prop);
        }
        assertTrue(props.size() > 30, props.toString());
    }
}
