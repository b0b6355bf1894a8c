// virt/qemu,skiff/core: see ../archetype-skiffos/skiffos-oracle.groovy.
def check = evaluate(new File(basedir, '../archetype-skiffos/skiffos-oracle.groovy'))
return check(basedir, 'qemu', 'virt/qemu,skiff/core')
