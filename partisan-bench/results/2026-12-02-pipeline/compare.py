import os
DIR = os.path.dirname(os.path.abspath(__file__))
import re,statistics,math
def parse(path):
    rows={}
    for line in open(path):
        m=re.match(r'\| micro \| (\S+) \| (\d+) \| (\d+) \| (\S+) \| [\d.]+ \| ([\d.]+) \|',line)
        if m: rows[(m.group(1),int(m.group(2)),int(m.group(3)),m.group(4))]=float(m.group(5))
    return rows
b=[parse(f'{DIR}/before-{i}.md') for i in (1,2,3)]
a=[parse(f'{DIR}/after-{i}.md') for i in (1,2,3)]
print('| case (config P N size) | before MB/s median (range) | after MB/s median (range) | after/before |')
print('|---|---|---|---|')
logs=[]
for k in b[0]:
    if k[0].startswith('raw') or k[0]=='pekko': continue
    bv=[r[k] for r in b if k in r]; av=[r[k] for r in a if k in r]
    bm=statistics.median(bv); am=statistics.median(av)
    logs.append(math.log(am/bm))
    print(f'| {k[0]} {k[1]} {k[2]} {k[3]} | {bm:.0f} ({min(bv):.0f}–{max(bv):.0f}) | {am:.0f} ({min(av):.0f}–{max(av):.0f}) | {am/bm:.2f}× |')
print('geomean after/before:', round(math.exp(sum(logs)/len(logs)),3), 'over', len(logs),'cases')
for k in b[0]:
    if k[0].startswith('raw'):
        bv=[r[k] for r in b if k in r]; av=[r[k] for r in a if k in r]
        print('raw',k, statistics.median(bv), statistics.median(av))
