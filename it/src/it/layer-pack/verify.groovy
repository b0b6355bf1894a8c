// A layer pack beside the stock library: its layers are listed and merged, and it wins over
// the stock library for a layer both define, while other stock layers stay available.
def log = new File(basedir, 'build.log').text
assert log =~ /acme\/board\s+Acme reference board \(from the acme-layers pack\)/
assert log.contains("Acme's own QEMU layer, replacing the stock one")
assert log.contains('hides the one in stock skiff-layers')
assert log.contains('layer pack dev.skiff.it:acme-layers:1.0')
assert log =~ /skiff\/core\s+SkiffOS core/
def json = new groovy.json.JsonSlurper().parse(new File(basedir, 'os/workspaces/default/effective.json'))
def chain = json.chain.collect { it.name }
assert chain == ['virt/qemu', 'acme/board', 'apps/runc', 'apps/containerd', 'apps/docker', 'skiff/core']
assert json.chain.find { it.name == 'virt/qemu' }.root == 'layer pack dev.skiff.it:acme-layers:1.0'
assert json.chain.find { it.name == 'skiff/core' }.root.startsWith('stock skiff-layers')
def host = json.symbols.buildroot.find { it.symbol == 'BR2_TARGET_GENERIC_HOSTNAME' }
assert host.origin == 'base/post'
return true
