// Shared by the archetype ITs' verify.groovy scripts (evaluated with their binding, where
// 'projectDir' is the generated project: target/test-classes/projects/<it>/project/<artifactId>).
// Returns a map of helpers.
import java.nio.file.Files
import java.nio.file.StandardCopyOption

File target = projectDir
5.times { target = target.parentFile }
assert target.name == 'target' : "unexpected IT layout: " + projectDir
File module = target.parentFile
File postGenerate = new File(target, 'classes/META-INF/archetype-post-generate.groovy')
File archetypeJar = target.listFiles().find { it.name ==~ /skiff-archetype-.*\.jar/ }
assert postGenerate.isFile() && archetypeJar != null

/** The parts of ArchetypeGenerationRequest the script reads; its class loader sees Maven's slf4j. */
class FakeRequest {
    Properties properties
    String outputDirectory
    String artifactId
}

/**
 * Runs the real post-generate script the way maven-archetype-plugin does: the archetype jar as the
 * context class loader, a request with the properties. Returns what it threw, or null.
 */
def runPostGenerate = { Map values, File outputDir, String artifactId ->
    Properties p = new Properties()
    values.each { k, v -> p.setProperty(k, v) }
    def request = new FakeRequest(properties: p, outputDirectory: outputDir.path, artifactId: artifactId)
    Thread t = Thread.currentThread()
    ClassLoader old = t.contextClassLoader
    t.contextClassLoader = new URLClassLoader([archetypeJar.toURI().toURL()] as URL[], (ClassLoader) null)
    try {
        new GroovyShell(getClass().classLoader, new Binding([request: request])).evaluate(postGenerate)
        return null
    } catch (Throwable e) {
        return e
    } finally {
        t.contextClassLoader = old
    }
}

/** Copies a generated project, without what git, the IT or a build added. */
def copyProject = { File from, File to ->
    from.eachFileRecurse { File f ->
        String rel = from.toPath().relativize(f.toPath()).toString()
        if (rel.split('/')[0] in ['.git', 'build.log', 'workspaces', 'target', 'skiffos'] || !f.isFile()) return
        File dest = new File(to, rel)
        dest.parentFile.mkdirs()
        Files.copy(f.toPath(), dest.toPath(), StandardCopyOption.COPY_ATTRIBUTES)
    }
    return to
}

/** JGit, from the local repository, at the versions the post-generate script uses. */
def jgit = { ->
    String text = postGenerate.text
    File repo = new File(System.getProperty('maven.repo.local') ?: System.getProperty('user.home') + '/.m2/repository')
    def jars = (text =~ /\['([^']+)', '([^']+)', '([0-9][^']*)'\]/).collect { all, g, a, v ->
        new File(repo, g.replace('.', '/') + '/' + a + '/' + v + '/' + a + '-' + v + '.jar')
    }
    assert jars.size() == 4 && jars.every { it.isFile() } : "JGit jars: " + jars
    // slf4j from this class loader when it has one (Maven's), so JGit does not warn about a binding.
    ClassLoader here = getClass().classLoader
    boolean hostSlf4j = false
    try { here.loadClass('org.slf4j.LoggerFactory'); hostSlf4j = true } catch (ClassNotFoundException ignored) { }
    def loader = hostSlf4j
            ? new URLClassLoader(jars.findAll { !it.name.startsWith('slf4j-api') }*.toURI()*.toURL() as URL[], here)
            : new URLClassLoader(jars*.toURI()*.toURL() as URL[], ClassLoader.getPlatformClassLoader())
    return loader.loadClass('org.eclipse.jgit.api.Git')
}

/** Every file of a HEAD tree: path -> [mode, object id]. */
def headTree = { def git ->
    def repository = git.repository
    def walk = repository.class.classLoader.loadClass('org.eclipse.jgit.treewalk.TreeWalk').newInstance(repository)
    def head = repository.parseCommit(repository.resolve('HEAD'))
    walk.addTree(head.tree)
    walk.recursive = true
    Map<String, List<String>> out = [:]
    while (walk.next()) out[walk.pathString] = [Integer.toOctalString(walk.getRawMode(0)), walk.getObjectId(0).name()]
    walk.close()
    return out
}

def tempDir = { String name -> Files.createTempDirectory(target.toPath(), name).toFile() }

return [module: module, target: target, postGenerate: postGenerate, runPostGenerate: runPostGenerate,
        copyProject: copyProject, jgit: jgit, headTree: headTree, tempDir: tempDir]
