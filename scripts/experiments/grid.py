"""Alignment experiment (kept in history, reverted): see the commit message and README.
Usage: python scripts/experiments/grid.py ARGS (see the code)."""
import sys, itertools, json, dataclasses
from pathlib import Path as _P
ROOT=_P(__file__).resolve().parents[2]
sys.path.insert(0,str(ROOT)); sys.path.insert(0,str(ROOT/'scripts'))
from pathlib import Path
import eval_align as E
import translate.align as A
from translate.embed import load_embedder
emb=load_embedder('e5').embedder
root=ROOT.parent/'shared'/'data'/'align-bench'
split=sys.argv[1]
grid=json.loads(sys.argv[2])  # {"mode": {...param lists}}
sets={'google':('SEM_MT_PARAMS','google'),'europarl':('SEM_MT_PARAMS','europarllight'),'nomt':('SEM_CROSS_PARAMS',None)}
which=sys.argv[3].split(',') if len(sys.argv)>3 else list(sets)
cache={}
def docs(mt):
    if mt not in cache: cache[mt]=[(s,t,m,g,(emb.embed(s),emb.embed(t))) for s,t,m,g in E.textberg_docs(root,split,mt)]
    return cache[mt]
keys=list(grid); 
for vals in itertools.product(*[grid[k] for k in keys]):
    ch=dict(zip(keys,vals)); out=[]
    for name in which:
        base,mt=sets[name]
        params=dataclasses.replace(getattr(A,base),**ch)
        golds,tests=[],[]
        for s,t,m,g,e in docs(mt):
            tests.append(E._as_alignment(A.align_sentences(s,t,mt=m,embeddings=e,params=params))); golds.append(g)
        out.append(f"{name}={E.score_multiple(golds,tests)['f1_strict']:.3f}")
    print(ch,' '.join(out),flush=True)
