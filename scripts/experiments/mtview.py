"""Alignment experiment (kept in history, reverted): see the commit message and README.
Usage: python scripts/experiments/mtview.py ARGS (see the code)."""
import sys, dataclasses, numpy as np
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
for mt in ['google','europarllight']:
  docs=E.textberg_docs(root,split,mt)
  for wmt in [0.0,0.5,1.0]:
   for dw in [1.0,1.5]:
    golds,tests=[],[]
    for s,t,m,g in docs:
        es,et,em=emb.embed(s),emb.embed(t),emb.embed(m)
        e=(np.hstack([es,wmt*em]),np.hstack([et,et])) if wmt else (es,et)
        p=dataclasses.replace(A.SEM_MT_PARAMS,dense_weight=dw)
        tests.append(E._as_alignment(A.align_sentences(s,t,mt=m,embeddings=e,params=p))); golds.append(g)
    print(mt,wmt,dw,round(E.score_multiple(golds,tests)['f1_strict'],3),flush=True)
