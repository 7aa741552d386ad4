"""Alignment experiment (kept in history, reverted): see the commit message and README.
Usage: python scripts/experiments/pudgrid.py ARGS (see the code)."""
import sys, itertools, json, dataclasses
from pathlib import Path as _P
ROOT=_P(__file__).resolve().parents[2]
sys.path.insert(0,str(ROOT)); sys.path.insert(0,str(ROOT/'scripts'))
from pathlib import Path
import eval_align as E
import translate.align as A
from translate.embed import load_embedder
emb=load_embedder('e5').embedder
pud=ROOT.parent/'shared'/'data'/'ud-pud'/'id-en.tsv'
docs={sd:[(s,t,g,(emb.embed(s),emb.embed(t))) for s,t,_,g in E.pud_stress_docs(pud,seed=sd)] for sd in (1,2)}
for ch in json.loads(sys.argv[1]):
    out=[]
    for sd,dd in docs.items():
        p=dataclasses.replace(A.SEM_CROSS_PARAMS,**ch)
        golds,tests=[],[]
        for s,t,g,e in dd:
            tests.append(E._as_alignment(A.align_sentences(s,t,embeddings=e,params=p))); golds.append(g)
        out.append(f"seed{sd}={E.score_multiple(golds,tests)['f1_strict']:.4f}")
    print(ch,' '.join(out),flush=True)
