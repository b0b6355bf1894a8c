#!/bin/sh
# SlotDeviceTest: stands in for reboot(8); records its argument (the Pi's
# '0 tryboot') for the bootloader model, which then "boots" the device.
echo "reboot $*" > "$SLOT_CTL/reboot"
