# mksnap.py N: print a snapshot of N dead entries in goprocd's format,
# with the time each was seen to die, so that loading it writes nothing.
import sys

n = int(sys.argv[1])
out = sys.stdout
out.write('{"version":1,"next_id":%d,"created_unix":1795705805,'
          '"journal_seq":0,"procs":[\n' % (n + 1))
for i in range(1, n + 1):
    out.write('{"id":%d,"pid":%d,"pgid":%d,"cmd":"/usr/bin/worker --shard %d",'
              '"name":"w%d","alive":false,'
              '"added_at":"2026-11-26T15:04:05.123456789Z",'
              '"last_seen":"2026-11-26T15:10:00Z",'
              '"meta":{"tags":["t%d"],"groups":["g%d"]},"start_ticks":%d,'
              '"boot_id":"00000000-0000-0000-0000-000000000000",'
              '"owner_uid":0,"dead_at":"2026-11-26T15:10:00Z"}%s\n' % (i, 100 + i, 100 + i, i, i, i % 10000,
                                       i % 100, 1000 + i,
                                       "," if i < n else ""))
out.write("]}\n")
