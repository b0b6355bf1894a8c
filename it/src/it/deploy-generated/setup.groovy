// The images must come from the file repositories, never from the IT local repository: forget
// whatever an earlier run left there (this IT deploys with -Dmaven.install.skip=true).
def cached = new File(localRepositoryPath, 'com/acme/it')
if (cached.exists()) assert cached.deleteDir() : "cannot delete ${cached}"
return true
