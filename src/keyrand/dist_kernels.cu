// The kernels of the distributions beyond MLX (docs/distributions.md), after the dispatch
// kr_dist_sample<KIND> that keyrand/_cuda.py generates. Device code only: the host
// build of tests/test_dists_cuda.py leaves this file out.
// ---------------------------------------------------------------- kernels
// The pair keys of a draw, then the key itself (KR_DIST_KEYS + 1 threads); keyp: the key
// on the device, or null.
__global__ void kr_dist_keys(kr_u32 *__restrict__ keys, kr_u32 k0, kr_u32 k1,
                             const kr_u32 *__restrict__ keyp) {
    if (keyp != nullptr) { k0 = keyp[0]; k1 = keyp[1]; }
    const kr_u32 c = threadIdx.x;
    if (c < KR_DIST_KEYS) kr_threefry(k0, k1, KR_DIST_STREAM, c, keys[2 * c], keys[2 * c + 1]);
    if (c == KR_DIST_KEYS) { keys[2 * c] = k0; keys[2 * c + 1] = k1; }
}
// Element k of a block is element starts[k / run] + k % run of the draw; each parameter is
// one value (stride 0) or one per element (stride 1).
template <int KIND, typename T>
__global__ void kr_dist(T *__restrict__ out, const kr_u32 *__restrict__ keys,
                        const kr_i64 *__restrict__ starts, kr_u64 run, kr_u64 n, int wide,
                        const double *__restrict__ a, kr_u64 sa, const double *__restrict__ b,
                        kr_u64 sb, const double *__restrict__ c, kr_u64 sc) {
    KrStream s;
    s.keys = keys;
    s.k0 = keys[2 * KR_DIST_KEYS];
    s.k1 = keys[2 * KR_DIST_KEYS + 1];
    s.wide = wide != 0;
    const kr_u64 stride = (kr_u64)gridDim.x * blockDim.x;
    for (kr_u64 k = (kr_u64)blockIdx.x * blockDim.x + threadIdx.x; k < n; k += stride) {
        const kr_u64 r = run == n ? 0 : k / run;  // one run: no 64-bit division
        s.i = (kr_u64)starts[r] + (k - r * run);
        out[k] = (T)kr_dist_sample<KIND>(s, a[k * sa], b[k * sb], c[k * sc]);
    }
}
