import java.nio.file.Files
import java.nio.file.Path

// The generated project: SkiffOS as the skiffos/ submodule, the Maven Wrapper, the layer.
File project = new File(basedir, 'gen/acme-os')
File sk = new File(project, 'skiffos')
String url = System.getenv('SKIFF_TEST_SKIFFOS').trim()
assert new File(project, '.gitmodules').text.contains('url = ' + url)
assert new File(sk, 'configs/pi/4/metadata/description').isFile() : 'the real SkiffOS is checked out'
assert new File(sk, 'configs-base/post/buildroot/config').isFile()
assert new File(project, 'pom.xml').text.contains('<config>pi/4,skiff/core,acme/app</config>')
File mvnw = new File(project, 'mvnw')
assert mvnw.isFile() && mvnw.canExecute() : 'the Maven Wrapper ships executable'
assert new File(project, '.mvn/wrapper/maven-wrapper.properties').text.contains('apache-maven-3.9.11')
assert new File(project, 'README.md').text.contains('./mvnw package')

// SkiffOS's own Buildroot submodule (its fork) cannot be fetched offline: 2026.08-rc1 stands in.
Path br = sk.toPath().resolve('buildroot')
if (Files.isDirectory(br) && !Files.isSymbolicLink(br)) {
    assert br.toFile().list().length == 0 : 'SkiffOS buildroot/ is not an empty submodule: ' + br.toFile().list()
    Files.delete(br)
}
Files.createSymbolicLink(br, Path.of(System.getenv('SKIFF_TEST_BUILDROOT_NEXT').trim()))

// The same overrides on both sides of the comparison in part 2: SkiffOS's checkout ships some.
File theirs = new File(sk, 'overrides')
theirs.eachFileRecurse { f ->
    if (!f.isFile()) return
    String rel = theirs.toPath().relativize(f.toPath()).toString()
    if (rel == 'README.md' || rel.startsWith('workspaces')) return
    File to = new File(project, 'overrides/' + rel)
    to.parentFile.mkdirs()
    to.bytes = f.bytes
}
println 'archetype-skiffos: generated ' + project + ' with SkiffOS from ' + url
return true
