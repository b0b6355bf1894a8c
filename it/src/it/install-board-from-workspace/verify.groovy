// Board and chain come from one build: the workspace's, recorded by configure (skiff_request and
// skiff_config), not the POM's <config>.
def log = new File(basedir, 'build.log').getText('UTF-8')
def image = log.readLines().find { it.contains('[INFO] Image: ') }
assert image != null : log
assert image.contains('(board acme/other, chain acme/other,') : image
assert !log.contains('board acme/app') : log
def request = new File(basedir, 'workspaces/default/skiff/skiff_request')
assert request.text == 'acme/other\n' : request.text
assert !log.contains('\tat dev.skiff') : 'a stack trace for a missing layout'
return true
