// skiff:effective prints the expanded chain with the root of each layer, each symbol with the
// file that set it, the overlays and hooks, and writes the same as JSON to the workspace.
import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').getText('UTF-8')
def lines = log.readLines()
assert log.contains('BUILD SUCCESS')

// acme/app needs skiff/core, which needs apps/docker, ... all inserted before acme/app.
def expected = ['virt/qemu', 'apps/runc', 'apps/containerd', 'apps/docker', 'skiff/core', 'acme/app']
def chainLine = lines.find { it.startsWith('[INFO] Chain: ') }
assert chainLine == '[INFO] Chain: ' + expected.join(',') : chainLine

// Merge order with roots: base/pre first, project layer from the project root, overrides, base/post last.
def order = lines.findAll { it ==~ /\[INFO\]\s+\d+\. .*/ }
def labels = order.collect { (it =~ /\d+\. (\S+)/)[0][1] }
assert labels == ['base/pre'] + expected + ['overrides', 'base/post'] : labels
assert order.find { it.contains(' acme/app ') }.contains('[project]')
assert order.find { it.contains(' virt/qemu ') } =~ /\[stock skiff-layers /
assert order.find { it.contains(' overrides ') }.contains('[project overrides]')

def htop = lines.find { it.contains('BR2_PACKAGE_HTOP=y') }
assert htop != null : 'BR2_PACKAGE_HTOP is not in the effective configuration'
assert htop =~ /<- acme\/app .*layers\/acme\/app\/buildroot\/10-apps:1/ : htop
def nano = lines.find { it.contains('BR2_PACKAGE_NANO=y') }
assert nano =~ /<- overrides .*overrides\/buildroot\/10-local:2/ : nano

assert log.contains('Root overlays:')
assert lines.any { it =~ /layers\/acme\/app\/root_overlay\s+<- acme\/app/ }
assert log.contains('Post hooks (post-image):')
assert lines.any { it =~ /layers\/acme\/app\/hooks\/post\.sh\s+<- acme\/app/ }

def jsonFile = new File(basedir, 'workspaces/default/effective.json')
assert jsonFile.isFile() : "${jsonFile} was not written"
assert log.contains('Written ' + jsonFile.canonicalPath) || log.contains('Written ' + jsonFile.absolutePath)
def json = new JsonSlurper().parse(jsonFile, 'UTF-8')
assert json.workspace == 'default'
assert json.requested == ['virt/qemu', 'acme/app']
assert json.chain*.name == expected
assert json.chain.find { it.name == 'acme/app' }.root == 'project'
assert json.mergeOrder*.label == ['base/pre'] + expected + ['overrides', 'base/post']
def br = json.symbols.buildroot
def jsonHtop = br.find { it.symbol == 'BR2_PACKAGE_HTOP' }
assert jsonHtop.value == 'y' && jsonHtop.origin == 'acme/app' && jsonHtop.file.endsWith('layers/acme/app/buildroot/10-apps')
def jsonNano = br.find { it.symbol == 'BR2_PACKAGE_NANO' }
assert jsonNano.value == 'y' && jsonNano.origin == 'overrides' && jsonNano.line == 2
assert json.overlays.any { it.origin == 'acme/app' && it.path.endsWith('layers/acme/app/root_overlay') }
assert json.postHooks.any { it.origin == 'acme/app' && it.script.endsWith('layers/acme/app/hooks/post.sh') }
// skiff:effective only prints: no Buildroot was run, no config directory was written.
assert !new File(basedir, 'workspaces/default/.config').exists()
assert !new File(basedir, 'workspaces/default/skiff').exists()
return true
