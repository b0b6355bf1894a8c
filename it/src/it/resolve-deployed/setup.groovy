// The images come from deploy-generated's file repositories, and must be downloaded from there:
// nothing of com.acme.it may be in the IT local repository beforehand.
def repo = new File(basedir, '../deploy-generated/repo/com/acme/it/acme-os/maven-metadata.xml')
assert repo.isFile() : "${repo.canonicalPath} is missing: resolve-deployed needs deploy-generated to run first (-Dinvoker.test=deploy-generated,resolve-deployed)"
def cached = new File(localRepositoryPath, 'com/acme/it')
if (cached.exists()) assert cached.deleteDir() : "cannot delete ${cached}"
return true
