"""How long building the speed-ups takes, as the background build's messages and ``corridor
network --help`` say it, in one place so that they agree. Measured on the idle 2-CPU development
machine, 2 December 2026: the default hierarchies, hub labels and hour landmarks 82-89 s after
the first command (``bench/fresh_clone.sh``), a wanted metric's whole-network hierarchy 44-47 s
(the background build's log in ``bench/fast.py --wanted all``); README, "Speed (issue #17)"."""

BACKGROUND = "about 1.5 minutes on 2 idle CPUs, longer on a busy machine"
PER_METRIC = "about 1 min of CPU per metric on the whole network, more on a busy machine"
