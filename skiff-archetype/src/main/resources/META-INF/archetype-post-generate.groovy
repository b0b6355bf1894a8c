/*
 * Skiff project archetype: post-generation step.
 *
 *  1. Checks the properties (vendor, board, skipGit, skiffosUrl). A bad value fails generation
 *     with the property, the valid values and the nearest one, after removing every file this
 *     generation wrote: no half-made project is left behind.
 *  2. Restores the executable bits archetype resources lose (every file starting with "#!").
 *  3. Unless -DskipGit=true: git init, SkiffOS as the submodule skiffos/ (from skiffosUrl), and
 *     the first commit. An unreachable URL is not an error: the project is committed without the
 *     submodule and the commands to add it later are printed.
 *
 * It runs inside maven-archetype-plugin, which has no JGit: JGit is loaded at run time from the
 * local Maven repository (the versions below are filled in when the archetype is built). Nothing
 * here imports JGit at compile time.
 *
 * Bindings: "request" (ArchetypeGenerationRequest, read through Groovy properties only, so a map
 * with the same keys works too) and every property as a variable.
 */

import java.nio.file.Files
import java.nio.file.LinkOption
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermission

// --- filled in at archetype build time ----------------------------------------------------------
final String JGIT_VERSION = '@jgit.version@'
final List<List<String>> JGIT_JARS = [
        ['org.eclipse.jgit', 'org.eclipse.jgit', '@jgit.version@'],
        ['com.googlecode.javaewah', 'JavaEWAH', '@skiff.archetype.javaewah.version@'],
        ['commons-codec', 'commons-codec', '@skiff.archetype.commons-codec.version@'],
        ['org.slf4j', 'slf4j-api', '@skiff.archetype.slf4j.version@'],
]
final String ARCHETYPE = 'dev.skiff:skiff-archetype:@project.version@'

// The stock board and virtual-machine layers (skiff-layers): known without SkiffOS.
final List<String> BOARDS = ['virt/qemu', 'virt/docker', 'virt/virtualbox', 'virt/wsl', 'browser/v86',
                             'pi/0', 'pi/1', 'pi/3', 'pi/4', 'pi/4x32', 'pi/5', 'intel/x64', 'intel/desktop']
final String SUBMODULE = 'skiffos'

// --- logging through Maven's logger when it is visible, plain output otherwise ------------------
def mavenLogger = null
try {
    def factory = request.getClass().classLoader?.loadClass('org.slf4j.LoggerFactory')
    mavenLogger = factory?.getLogger('dev.skiff.archetype')
} catch (Throwable ignored) {
}
def info = { String m -> mavenLogger != null ? mavenLogger.info(m) : println("[INFO] " + m) }
def warn = { String m -> mavenLogger != null ? mavenLogger.warn(m) : println("[WARNING] " + m) }

// --- inputs ---------------------------------------------------------------------------------
Properties props = new Properties()
if (request.properties != null) props.putAll(request.properties)
String artifactId = request.artifactId ?: props.getProperty('artifactId')
File outputDir = new File(String.valueOf(request.outputDirectory)).absoluteFile
File projectDir = new File(outputDir, artifactId)
String vendor = props.getProperty('vendor', '')
String board = props.getProperty('board', '')
String skiffosUrl = props.getProperty('skiffosUrl', '').trim()
String skipGitText = props.getProperty('skipGit', 'false').trim()

// --- 1. validation --------------------------------------------------------------------------
int distance(String a, String b) {
    int[] prev = (0..b.length()) as int[]
    int[] cur = new int[b.length() + 1]
    for (int i = 1; i <= a.length(); i++) {
        cur[0] = i
        for (int j = 1; j <= b.length(); j++) {
            int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1
            cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost)
        }
        int[] t = prev; prev = cur; cur = t
    }
    return prev[b.length()]
}

List<String> errors = []
if (!(vendor ==~ /[a-z0-9_]+/)) {
    String fixed = vendor.toLowerCase(Locale.ROOT).replaceAll(/[^a-z0-9_]/, '_')
    if (!(fixed ==~ /[a-z0-9_]+/)) fixed = 'acme'
    errors << ("Invalid vendor '" + vendor + "': it is the category of the project's layer (layers/<vendor>/app)"
            + " and must match [a-z0-9_]+ (lower-case letters, digits and '_'). Nearest valid value: " + fixed
            + ". Use -Dvendor=" + fixed + ".")
}
/** Up to three names of {@code known} nearest to {@code wanted}. */
List<String> nearest(String wanted, Collection<String> known) {
    String w = wanted.toLowerCase(Locale.ROOT).trim()
    return known.collect { [it, distance(w, it)] }
            .findAll { it[1] <= Math.max(2, w.length().intdiv(2)) || (w && (it[0].contains(w) || w.contains(it[0]))) }
            .sort { a, b -> a[1] <=> b[1] ?: a[0] <=> b[0] }
            .collect { it[0] }
            .take(3)
}

// Any SkiffOS board is welcome: the name is checked here, and against SkiffOS's configs/ once
// SkiffOS is cloned (below); the stock boards are known without it.
if (!(board ==~ /[a-z0-9_]+\/[a-z0-9_]+/)) {
    def near = nearest(board, BOARDS)
    errors << ("Invalid board '" + board + "': a board is a layer name <category>/<name> (lower-case letters,"
            + " digits and '_'), a board of SkiffOS (./mvnw skiff:layers lists them) or of the stock layers: "
            + BOARDS.join(', ') + "." + (near ? " Did you mean " + near.join(', ') + "? Use -Dboard=" + near[0] + "." : ""))
}
if (!(skipGitText in ['true', 'false'])) {
    String guess = skipGitText.toLowerCase(Locale.ROOT) in ['yes', 'y', '1', 'on', 'tru', 'ture'] ? 'true' : 'false'
    errors << ("Invalid skipGit '" + skipGitText + "': use true or false (did you mean " + guess + "?).")
}
if (!skiffosUrl) {
    errors << "Empty skiffosUrl: give the URL SkiffOS is cloned from, e.g. -DskiffosUrl=https://github.com/skiffos/SkiffOS.git."
}

/** Every file this generation wrote: the template's entries, with __property__ tokens replaced. */
List<File> generatedFiles(File dir, Properties p) {
    URL meta = Thread.currentThread().contextClassLoader?.getResource('META-INF/maven/archetype-metadata.xml')
    if (meta == null || meta.protocol != 'jar') return null
    def conn = meta.openConnection()
    conn.useCaches = false
    def jar = conn.jarFile
    try {
        String prefix = 'archetype-resources/'
        return jar.entries().toList()
                .findAll { !it.directory && it.name.startsWith(prefix) }
                .collect { e ->
                    String rel = e.name.substring(prefix.length())
                            .replaceAll(/__([A-Za-z0-9]+)__/) { all, key -> p.getProperty(key, all) }
                    new File(dir, rel)
                }
    } finally {
        jar.close()
    }
}

/** Removes what this generation wrote, then the directories it leaves empty. */
void removeGenerated(File dir, File outputDir, Properties p, Closure warn) {
    List<File> files = generatedFiles(dir, p)
    if (files == null) {
        warn("Could not list the template's files: remove " + dir + " by hand.")
        return
    }
    Path stop = outputDir.toPath().toAbsolutePath().normalize()
    Set<Path> parents = new TreeSet<>({ Path a, Path b -> b.nameCount <=> a.nameCount ?: b <=> a } as Comparator)
    files.each { f ->
        Path path = f.toPath().toAbsolutePath().normalize()
        Files.deleteIfExists(path)
        for (Path d = path.parent; d != null && d.startsWith(stop) && d != stop; d = d.parent) parents << d
    }
    parents.each { d ->
        if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
            try (def s = Files.list(d)) { if (!s.findAny().isPresent()) Files.delete(d) }
        }
    }
}

if (errors) {
    removeGenerated(projectDir, outputDir, props, warn)
    throw new IllegalArgumentException("Cannot create the Skiff project " + artifactId + ":\n  "
            + errors.join("\n  ") + "\nThe files generated in " + projectDir + " were removed.")
}

// --- 2. executable bits ---------------------------------------------------------------------
List<String> madeExecutable = []
projectDir.eachFileRecurse { File f ->
    Path rel = projectDir.toPath().relativize(f.toPath())
    String top = rel.getName(0).toString()
    if (top == '.git' || top == SUBMODULE || !Files.isRegularFile(f.toPath(), LinkOption.NOFOLLOW_LINKS)) return
    byte[] head = new byte[2]
    int n = f.withInputStream { it.read(head) }
    if (n == 2 && head[0] == 35 && head[1] == 33 && !f.canExecute()) {
        try {
            def perms = Files.getPosixFilePermissions(f.toPath())
            if (PosixFilePermission.OWNER_READ in perms) perms << PosixFilePermission.OWNER_EXECUTE
            if (PosixFilePermission.GROUP_READ in perms) perms << PosixFilePermission.GROUP_EXECUTE
            if (PosixFilePermission.OTHERS_READ in perms) perms << PosixFilePermission.OTHERS_EXECUTE
            Files.setPosixFilePermissions(f.toPath(), perms)
        } catch (UnsupportedOperationException notPosix) {
            f.setExecutable(true, false)
        }
        madeExecutable << rel.toString().replace('\\', '/')
    }
}
if (madeExecutable) info("Executable: " + madeExecutable.sort().join(', '))

// --- 3. git ---------------------------------------------------------------------------------
String q(String s) { s ==~ /[A-Za-z0-9_\/.:%+=,-]+/ ? s : "'" + s.replace("'", "'\\''") + "'" }
String cdLine = "cd " + q(projectDir.path)
String addLater = "git submodule add " + q(skiffosUrl) + " " + SUBMODULE
String commitLater = "git commit -m " + q("Add SkiffOS as " + SUBMODULE + "/")
String firstCommitMessage = "New Skiff project " + artifactId + " (" + board + ", " + vendor + "/app)\n\nCreated by " + ARCHETYPE + "."

def byHand = { String why ->
    if (why) warn(why)
    warn("Set up git by hand:")
    [cdLine, "git init", addLater, "git submodule update --init --recursive", "git add -A",
     "git commit -m " + q("New Skiff project " + artifactId)].each { warn("  " + it) }
}

/** Without SkiffOS at hand, a board that is not a stock one cannot be checked yet: say so. */
def uncheckedBoard = {
    if (!BOARDS.contains(board)) {
        warn("Board " + board + " is not a stock board and SkiffOS is not there to check it against;"
                + " ./mvnw skiff:validate checks it once skiffos/ is checked out.")
    }
}

if (skipGitText == 'true') {
    info("skipGit=true: no git repository, no SkiffOS submodule, no commit. To add SkiffOS later: "
            + "git init && " + addLater + " && git submodule update --init --recursive")
    uncheckedBoard()
    return
}

/** The local Maven repository: from the request's repository session, else ~/.m2/repository. */
File localRepository(def req) {
    List<Closure> ways = [
            { req.repositorySession?.localRepository?.basedir },
            { req.mavenSession?.repositorySession?.localRepository?.basedir },
            { req.projectBuildingRequest?.repositorySession?.localRepository?.basedir },
            { req.localRepository?.basedir },
            { System.getProperty('maven.repo.local') },
    ]
    for (Closure way : ways) {
        try {
            def dir = way()
            if (dir) return new File(String.valueOf(dir))
        } catch (Throwable ignored) {
        }
    }
    return new File(System.getProperty('user.home'), '.m2/repository')
}

boolean isOffline(def req) {
    for (Closure way : [{ req.mavenSession?.offline }, { req.repositorySession?.offline }, { req.offline }]) {
        try {
            def v = way()
            if (v != null) return v as boolean
        } catch (Throwable ignored) {
        }
    }
    return false
}

File repo = localRepository(request)
List<File> jars = JGIT_JARS.collect { g, a, v -> new File(repo, g.replace('.', '/') + '/' + a + '/' + v + '/' + a + '-' + v + '.jar') }
List<File> missing = jars.findAll { !it.isFile() }
if (missing) {
    warn("JGit " + JGIT_VERSION + " is not in the local repository " + repo + " (missing " + missing*.name.join(', ')
            + "), so git is skipped as with -DskipGit=true. To have it next time:")
    warn("  mvn dependency:get -Dartifact=org.eclipse.jgit:org.eclipse.jgit:" + JGIT_VERSION)
    byHand(null)
    return
}

/** JGit on its own class path; slf4j comes from Maven when visible, so JGit logs like Maven does. */
class JGitLoader extends URLClassLoader {
    private final ClassLoader slf4j

    JGitLoader(URL[] urls, ClassLoader slf4j) {
        super(urls, ClassLoader.getPlatformClassLoader())
        this.slf4j = slf4j
    }

    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (slf4j != null && name.startsWith('org.slf4j.')) {
            try {
                return slf4j.loadClass(name)
            } catch (ClassNotFoundException ignored) {
            }
        }
        return super.loadClass(name, resolve)
    }
}

ClassLoader mavenSlf4j = null
try {
    ClassLoader l = request.getClass().classLoader
    if (l != null) {
        l.loadClass('org.slf4j.LoggerFactory')
        mavenSlf4j = l
    }
} catch (Throwable ignored) {
}
List<URL> urls = jars.findAll { mavenSlf4j == null || !it.name.startsWith('slf4j-api-') }.collect { it.toURI().toURL() }
JGitLoader jgit = new JGitLoader(urls as URL[], mavenSlf4j)

String rootCause(Throwable t) {
    List<String> parts = []
    for (Throwable c = t; c != null; c = c.cause == c ? null : c.cause) {
        String m = c.message ?: c.getClass().simpleName
        if (!parts.any { it.contains(m) }) parts << m
    }
    return parts.join(': ')
}

boolean isLocal(String url) {
    return url.startsWith('file:') || url.startsWith('/') || url.startsWith('.') || new File(url).exists()
}

def gitClass = null
def git = null
try {
    gitClass = jgit.loadClass('org.eclipse.jgit.api.Git')
    git = gitClass.init().setDirectory(projectDir).call()
    info("Initialized a git repository in " + projectDir)
} catch (Throwable t) {
    byHand("git init failed: " + rootCause(t))
    return
}

try {
    boolean added = false
    String reason = null
    if (isOffline(request) && !isLocal(skiffosUrl)) {
        reason = "Maven is offline (-o), so " + skiffosUrl + " is not cloned"
    } else {
        try {
            gitClass.lsRemoteRepository().setRemote(skiffosUrl).setHeads(true).setTimeout(60).call()
        } catch (Throwable t) {
            String why = rootCause(t)
            if (why.startsWith(skiffosUrl + ': ')) why = why.substring(skiffosUrl.length() + 2)
            reason = "Cannot reach skiffosUrl " + skiffosUrl + ": " + why
        }
    }
    if (reason == null) {
        info("Adding SkiffOS from " + skiffosUrl + " as the submodule " + SUBMODULE + "/ (cloning; this can take a while)")
        try {
            def sub = git.submoduleAdd().setPath(SUBMODULE).setURI(skiffosUrl).call()
            sub.close()
            // JGit writes an absolute gitdir; git's own relative form survives moving the project.
            File gitFile = new File(projectDir, SUBMODULE + '/.git')
            if (gitFile.isFile()) gitFile.text = 'gitdir: ../.git/modules/' + SUBMODULE + '\n'
            added = true
        } catch (Throwable t) {
            reason = "Cloning " + skiffosUrl + " failed: " + rootCause(t)
            // Leave no half-cloned submodule behind.
            [new File(projectDir, SUBMODULE), new File(projectDir, '.git/modules/' + SUBMODULE),
             new File(projectDir, '.gitmodules')].each { it.isDirectory() ? it.deleteDir() : it.delete() }
        }
    }

    if (added) {
        // The board must exist now that SkiffOS is here: in its configs/, or among the stock boards.
        File configs = new File(projectDir, SUBMODULE + '/configs')
        if (!new File(configs, board).isDirectory() && !BOARDS.contains(board)) {
            List<String> known = []
            configs.eachDir { c -> c.eachDir { l -> known << (c.name + '/' + l.name) } }
            def near = nearest(board, known + BOARDS)
            git.close()
            git = null
            projectDir.deleteDir()
            throw new IllegalArgumentException("Cannot create the Skiff project " + artifactId + ": unknown board '"
                    + board + "': neither SkiffOS (" + skiffosUrl + ") nor the stock layers have it."
                    + (near ? " Did you mean " + near.join(', ') + "? Use -Dboard=" + near[0] + "." : "")
                    + " The project directory " + projectDir + " was removed.")
        }
    } else {
        uncheckedBoard()
    }
    git.add().addFilepattern('.').call()
    def commit = git.commit().setMessage(firstCommitMessage).setSign(false).setNoVerify(true).call()
    String id = commit.id.abbreviate(7).name()
    if (added) {
        info("First commit " + id + ", with SkiffOS as the submodule " + SUBMODULE + "/. Next: "
                + cdLine + " && git submodule update --init --recursive")
    } else {
        warn(reason.endsWith(".") ? reason : reason + ".")
        warn("The project is committed (" + id + ") without the " + SUBMODULE + "/ submodule. Add it later with:")
        [cdLine, addLater, "git submodule update --init --recursive", commitLater].each { warn("  " + it) }
    }
} catch (IllegalArgumentException bad) {
    throw bad
} catch (Throwable t) {
    byHand("git failed: " + rootCause(t) + " (the project files are complete).")
} finally {
    git?.close()
}
