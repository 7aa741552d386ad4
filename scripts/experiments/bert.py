"""Bertalign's recipe with e5 (experiment, not product code)."""
import sys, numpy as np
from pathlib import Path as _P
ROOT=_P(__file__).resolve().parents[2]
sys.path.insert(0,str(ROOT)); sys.path.insert(0,str(ROOT/'scripts'))
from pathlib import Path
import eval_align as E
from translate.embed import load_embedder
from translate.align.dense import run_texts
emb=load_embedder('e5').embedder
root=ROOT.parent/'shared'/'data'/'align-bench'
split=sys.argv[1]; K=int(sys.argv[2]) if len(sys.argv)>2 else 4
skip=float(sys.argv[3]) if len(sys.argv)>3 else -0.1
centre='-c' in sys.argv
def runs(side):
    out=[]  # out[a-1][e] = vec of sentences e-a..e-1 for e>=a
    lens=[]
    for a in range(1,K+1):
        t=run_texts(side,a); v=emb.embed(t)
        if centre: v=v-v.mean(0); v/=np.linalg.norm(v,axis=1,keepdims=True)+1e-9
        tab=np.zeros((len(side)+1,v.shape[1]),np.float32); tab[a:]=v
        l=np.zeros(len(side)+1); l[a:]=[len(x) for x in t]
        out.append(tab); lens.append(l)
    return out,lens
def align(src,tgt,maxa=K+1):
    S,SL=runs(src); T,TL=runs(tgt)
    n,m=len(src),len(tgt)
    ratio=sum(SL[0])/sum(TL[0])
    shapes=[(0,1),(1,0)]+[(a,b) for tot in range(2,maxa+1) for a in range(1,tot) for b in [tot-a] if a<=K and b<=K]
    D=np.full((n+1,m+1),-np.inf); D[0,0]=0; B=np.full((n+1,m+1),-1,int)
    J=np.arange(m+1)
    for i in range(n+1):
        for si,(a,b) in enumerate(shapes):
            if a>i: continue
            if a==0: continue
            prev=D[i-a]
            cand=np.full(m+1,-np.inf)
            if b==0:
                cand=prev+skip
            else:
                jj=J[b:]
                sv=S[a-1][i]; tv=T[b-1][jj]
                sim=tv@sv
                # margin: neighbours
                r=jj+1; l=jj-b
                rs=np.where(r<=m, T[0][np.minimum(r,m)]@sv,0); ls=np.where(l>0,T[0][np.maximum(l,0)]@sv,0)
                tn=np.where((rs!=0)&(ls!=0),(rs+ls)/2,rs+ls)
                r2=i+1; l2=i-a
                R=S[0][r2]@tv.T if r2<=n else np.zeros(len(jj)); L=S[0][l2]@tv.T if l2>0 else np.zeros(len(jj))
                sn=np.where((R!=0)&(L!=0),(R+L)/2,R+L)
                sim=sim-(tn+sn)/2
                sl=SL[a-1][i]; tl=TL[b-1][jj]*ratio
                sim=sim*np.log2(1+np.minimum(sl,tl)/np.maximum(np.maximum(sl,tl),1e-9))
                cand[b:]=prev[:-b]+sim
            better=cand>D[i]; D[i]=np.where(better,cand,D[i]); B[i]=np.where(better,si,B[i])
        # 0-1 shape within row: sequential
        for j in range(1,m+1):
            c=D[i,j-1]+skip
            if c>D[i,j]: D[i,j]=c; B[i,j]=0
    i,j=n,m; out=[]
    while i>0 or j>0:
        a,b=shapes[B[i,j]]; out.append((tuple(range(i-a,i)),tuple(range(j-b,j)))); i-=a; j-=b
    return out[::-1]
golds,tests=[],[]
for s,t,_,g in E.textberg_docs(root,split,None):
    tests.append(align(s,t)); golds.append(g)
r=E.score_multiple(golds,tests); print(split,K,skip,centre,'strict',round(r['f1_strict'],3),'lax',round(r['f1_lax'],3),r['nulls_merged'])
