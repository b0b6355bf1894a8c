# Every package of this tree is a directory under package/ with its .mk.
include $(sort $(wildcard $(BR2_EXTERNAL_SKIFF_CORE_PATH)/package/*/*.mk))
