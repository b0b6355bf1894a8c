// pi/4,skiff/core: see ../archetype-skiffos/skiffos-oracle.groovy.
def check = evaluate(new File(basedir, '../archetype-skiffos/skiffos-oracle.groovy'))
return check(basedir, 'pi4', 'pi/4,skiff/core')
