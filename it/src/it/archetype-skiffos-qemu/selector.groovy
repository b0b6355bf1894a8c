// See ../archetype-skiffos/part2-selector.groovy.
def select = evaluate(new File(basedir, '../archetype-skiffos/part2-selector.groovy'))
return select(basedir, 'archetype-skiffos-qemu')
