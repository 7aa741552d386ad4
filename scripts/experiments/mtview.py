import sys, dataclasses, numpy as np
sys.path.insert(0,'/work/main'); sys.path.insert(0,'/work/main/scripts')
from pathlib import Path
import eval_align as E
import translate.align as A
from translate.embed import load_embedder
emb=load_embedder('e5').embedder
root=Path('/work/shared/data/align-bench')
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
