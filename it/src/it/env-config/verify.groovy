// Without -Dskiff.config, SKIFF_CONFIG from the environment names the chain.
import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').getText('UTF-8')
assert log.contains('BUILD SUCCESS')
assert log.contains('Using SKIFF_CONFIG=virt/qemu from the environment.')
assert log.readLines().contains('[INFO] Chain: virt/qemu')
def json = new JsonSlurper().parse(new File(basedir, 'workspaces/default/effective.json'), 'UTF-8')
assert json.requested == ['virt/qemu']
assert json.chain*.name == ['virt/qemu']
return true
