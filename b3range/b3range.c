// b3range: the BLAKE3 hash of a byte range of a file, as fast as the machine allows.
//
// S9PK verification must hash sections that sit inside a bigger file. b3sum only hashes whole
// files (or a pipe, on one thread), so this tool maps the range and hashes it with AVX2 (eight
// chunks per instruction stream) on every core. Written from the BLAKE3 specification.
//
//   b3range [-t THREADS] FILE [OFFSET LENGTH]
//
// Prints "<64 hex digits> <st_dev> <st_ino>" so the caller can check it hashed the file it opened.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <immintrin.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
  CHUNK_LEN = 1024,
  BLOCK_LEN = 64,
  CV_LEN = 32,
  CHUNK_START = 1,
  CHUNK_END = 2,
  PARENT = 4,
  ROOT = 8,
  LANES = 8,
};

static const uint32_t IV[8] = {0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A,
                               0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19};

// Which message word each G input takes in each of the 7 rounds (the permutation applied r times).
static uint8_t SCHEDULE[7][16];
static int have_avx2;

static void init_tables(void) {
  static const uint8_t PERMUTATION[16] = {2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8};
  for (int i = 0; i < 16; i++) SCHEDULE[0][i] = (uint8_t)i;
  for (int r = 1; r < 7; r++)
    for (int i = 0; i < 16; i++) SCHEDULE[r][i] = SCHEDULE[r - 1][PERMUTATION[i]];
  __builtin_cpu_init();
  have_avx2 = __builtin_cpu_supports("avx2") && getenv("B3RANGE_NO_SIMD") == NULL;
}

// ---- portable: one block at a time ----

static inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static inline uint32_t load32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#define G(a, b, c, d, x, y)      \
  do {                           \
    v[a] = v[a] + v[b] + (x);    \
    v[d] = rotr(v[d] ^ v[a], 16); \
    v[c] = v[c] + v[d];          \
    v[b] = rotr(v[b] ^ v[c], 12); \
    v[a] = v[a] + v[b] + (y);    \
    v[d] = rotr(v[d] ^ v[a], 8);  \
    v[c] = v[c] + v[d];          \
    v[b] = rotr(v[b] ^ v[c], 7);  \
  } while (0)

// cv <- compress(cv, block) truncated to the chaining value.
static void compress(uint32_t cv[8], const uint8_t block[BLOCK_LEN], uint64_t counter,
                     uint32_t block_len, uint32_t flags) {
  uint32_t m[16];
  for (int i = 0; i < 16; i++) m[i] = load32(block + 4 * i);
  uint32_t v[16] = {cv[0], cv[1], cv[2], cv[3], cv[4], cv[5], cv[6], cv[7],
                    IV[0], IV[1], IV[2], IV[3], (uint32_t)counter, (uint32_t)(counter >> 32),
                    block_len, flags};
  for (int r = 0; r < 7; r++) {
    const uint8_t *s = SCHEDULE[r];
    G(0, 4, 8, 12, m[s[0]], m[s[1]]);
    G(1, 5, 9, 13, m[s[2]], m[s[3]]);
    G(2, 6, 10, 14, m[s[4]], m[s[5]]);
    G(3, 7, 11, 15, m[s[6]], m[s[7]]);
    G(0, 5, 10, 15, m[s[8]], m[s[9]]);
    G(1, 6, 11, 12, m[s[10]], m[s[11]]);
    G(2, 7, 8, 13, m[s[12]], m[s[13]]);
    G(3, 4, 9, 14, m[s[14]], m[s[15]]);
  }
  for (int i = 0; i < 8; i++) cv[i] = v[i] ^ v[i + 8];
}

static void store_cv(uint8_t out[CV_LEN], const uint32_t cv[8]) {
  for (int i = 0; i < 8; i++) {
    out[4 * i] = (uint8_t)cv[i];
    out[4 * i + 1] = (uint8_t)(cv[i] >> 8);
    out[4 * i + 2] = (uint8_t)(cv[i] >> 16);
    out[4 * i + 3] = (uint8_t)(cv[i] >> 24);
  }
}

// A chunk of 0..1024 bytes (only the whole input may be empty); root_flag is ROOT or 0.
static void chunk_cv(const uint8_t *in, size_t len, uint64_t counter, uint32_t root_flag,
                     uint8_t out[CV_LEN]) {
  uint32_t cv[8];
  memcpy(cv, IV, sizeof cv);
  size_t blocks = len == 0 ? 1 : (len + BLOCK_LEN - 1) / BLOCK_LEN;
  for (size_t b = 0; b < blocks; b++) {
    uint8_t block[BLOCK_LEN] = {0};
    size_t n = len - b * BLOCK_LEN < BLOCK_LEN ? len - b * BLOCK_LEN : BLOCK_LEN;
    memcpy(block, in + b * BLOCK_LEN, n);
    uint32_t flags = (b == 0 ? CHUNK_START : 0) | (b == blocks - 1 ? CHUNK_END | root_flag : 0);
    compress(cv, block, counter, (uint32_t)n, flags);
  }
  store_cv(out, cv);
}

// out <- parent node of the 64 bytes at pair (left CV then right CV); out may alias pair.
static void parent_cv(const uint8_t pair[2 * CV_LEN], uint32_t root_flag, uint8_t out[CV_LEN]) {
  uint32_t cv[8];
  memcpy(cv, IV, sizeof cv);
  compress(cv, pair, 0, BLOCK_LEN, PARENT | root_flag);
  store_cv(out, cv);
}

// ---- AVX2: eight independent inputs, lane i = input i ----

#define ATTR_AVX2 __attribute__((target("avx2")))

ATTR_AVX2 static inline __m256i add(__m256i a, __m256i b) { return _mm256_add_epi32(a, b); }
ATTR_AVX2 static inline __m256i xor(__m256i a, __m256i b) { return _mm256_xor_si256(a, b); }
ATTR_AVX2 static inline __m256i rot16(__m256i x) {
  return _mm256_shuffle_epi8(x, _mm256_set_epi8(13, 12, 15, 14, 9, 8, 11, 10, 5, 4, 7, 6, 1, 0, 3,
                                                2, 13, 12, 15, 14, 9, 8, 11, 10, 5, 4, 7, 6, 1, 0,
                                                3, 2));
}
ATTR_AVX2 static inline __m256i rot8(__m256i x) {
  return _mm256_shuffle_epi8(x, _mm256_set_epi8(12, 15, 14, 13, 8, 11, 10, 9, 4, 7, 6, 5, 0, 3, 2,
                                                1, 12, 15, 14, 13, 8, 11, 10, 9, 4, 7, 6, 5, 0, 3,
                                                2, 1));
}
ATTR_AVX2 static inline __m256i rot12(__m256i x) {
  return _mm256_or_si256(_mm256_srli_epi32(x, 12), _mm256_slli_epi32(x, 20));
}
ATTR_AVX2 static inline __m256i rot7(__m256i x) {
  return _mm256_or_si256(_mm256_srli_epi32(x, 7), _mm256_slli_epi32(x, 25));
}

// Rows of 8 words become columns: afterwards v[k] holds word k of every former row.
ATTR_AVX2 static inline void transpose8(__m256i v[8]) {
  __m256i ab0145 = _mm256_unpacklo_epi32(v[0], v[1]);
  __m256i ab2367 = _mm256_unpackhi_epi32(v[0], v[1]);
  __m256i cd0145 = _mm256_unpacklo_epi32(v[2], v[3]);
  __m256i cd2367 = _mm256_unpackhi_epi32(v[2], v[3]);
  __m256i ef0145 = _mm256_unpacklo_epi32(v[4], v[5]);
  __m256i ef2367 = _mm256_unpackhi_epi32(v[4], v[5]);
  __m256i gh0145 = _mm256_unpacklo_epi32(v[6], v[7]);
  __m256i gh2367 = _mm256_unpackhi_epi32(v[6], v[7]);
  __m256i abcd04 = _mm256_unpacklo_epi64(ab0145, cd0145);
  __m256i abcd15 = _mm256_unpackhi_epi64(ab0145, cd0145);
  __m256i abcd26 = _mm256_unpacklo_epi64(ab2367, cd2367);
  __m256i abcd37 = _mm256_unpackhi_epi64(ab2367, cd2367);
  __m256i efgh04 = _mm256_unpacklo_epi64(ef0145, gh0145);
  __m256i efgh15 = _mm256_unpackhi_epi64(ef0145, gh0145);
  __m256i efgh26 = _mm256_unpacklo_epi64(ef2367, gh2367);
  __m256i efgh37 = _mm256_unpackhi_epi64(ef2367, gh2367);
  v[0] = _mm256_permute2x128_si256(abcd04, efgh04, 0x20);
  v[4] = _mm256_permute2x128_si256(abcd04, efgh04, 0x31);
  v[1] = _mm256_permute2x128_si256(abcd15, efgh15, 0x20);
  v[5] = _mm256_permute2x128_si256(abcd15, efgh15, 0x31);
  v[2] = _mm256_permute2x128_si256(abcd26, efgh26, 0x20);
  v[6] = _mm256_permute2x128_si256(abcd26, efgh26, 0x31);
  v[3] = _mm256_permute2x128_si256(abcd37, efgh37, 0x20);
  v[7] = _mm256_permute2x128_si256(abcd37, efgh37, 0x31);
}

#define GV(a, b, c, d, x, y)        \
  do {                              \
    v[a] = add(add(v[a], v[b]), x); \
    v[d] = rot16(xor(v[d], v[a]));  \
    v[c] = add(v[c], v[d]);         \
    v[b] = rot12(xor(v[b], v[c]));  \
    v[a] = add(add(v[a], v[b]), y); \
    v[d] = rot8(xor(v[d], v[a]));   \
    v[c] = add(v[c], v[d]);         \
    v[b] = rot7(xor(v[b], v[c]));   \
  } while (0)

// Hashes eight inputs of `blocks` full blocks each. Input i uses counter + i * counter_step; the
// first block adds flags_start, the last flags_end. Writes eight CVs (256 bytes) to out, after
// reading every input (so out may alias the inputs).
ATTR_AVX2 static void hash8(const uint8_t *const in[LANES], size_t blocks, uint64_t counter,
                            uint64_t counter_step, uint32_t flags, uint32_t flags_start,
                            uint32_t flags_end, uint8_t *out) {
  uint32_t lo[LANES], hi[LANES];
  for (int i = 0; i < LANES; i++) {
    uint64_t c = counter + (uint64_t)i * counter_step;
    lo[i] = (uint32_t)c;
    hi[i] = (uint32_t)(c >> 32);
  }
  __m256i counter_lo = _mm256_loadu_si256((const __m256i *)lo);
  __m256i counter_hi = _mm256_loadu_si256((const __m256i *)hi);
  __m256i h[8];
  for (int i = 0; i < 8; i++) h[i] = _mm256_set1_epi32((int)IV[i]);
  for (size_t b = 0; b < blocks; b++) {
    __m256i m[16];
    for (int half = 0; half < 2; half++) {
      for (int i = 0; i < LANES; i++)
        m[8 * half + i] =
            _mm256_loadu_si256((const __m256i *)(in[i] + b * BLOCK_LEN + 32 * half));
      transpose8(m + 8 * half);
    }
    uint32_t f = flags | (b == 0 ? flags_start : 0) | (b == blocks - 1 ? flags_end : 0);
    __m256i v[16] = {h[0],
                     h[1],
                     h[2],
                     h[3],
                     h[4],
                     h[5],
                     h[6],
                     h[7],
                     _mm256_set1_epi32((int)IV[0]),
                     _mm256_set1_epi32((int)IV[1]),
                     _mm256_set1_epi32((int)IV[2]),
                     _mm256_set1_epi32((int)IV[3]),
                     counter_lo,
                     counter_hi,
                     _mm256_set1_epi32(BLOCK_LEN),
                     _mm256_set1_epi32((int)f)};
    for (int r = 0; r < 7; r++) {
      const uint8_t *s = SCHEDULE[r];
      GV(0, 4, 8, 12, m[s[0]], m[s[1]]);
      GV(1, 5, 9, 13, m[s[2]], m[s[3]]);
      GV(2, 6, 10, 14, m[s[4]], m[s[5]]);
      GV(3, 7, 11, 15, m[s[6]], m[s[7]]);
      GV(0, 5, 10, 15, m[s[8]], m[s[9]]);
      GV(1, 6, 11, 12, m[s[10]], m[s[11]]);
      GV(2, 7, 8, 13, m[s[12]], m[s[13]]);
      GV(3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (int i = 0; i < 8; i++) h[i] = xor(v[i], v[i + 8]);
  }
  transpose8(h);
  for (int i = 0; i < LANES; i++) _mm256_storeu_si256((__m256i *)(out + CV_LEN * i), h[i]);
}

// ---- the tree ----

// Chaining values of the chunks of in[0, len) (the first is chunk number first_chunk), in order.
static void chunk_cvs(const uint8_t *in, size_t len, uint64_t first_chunk, uint8_t *cvs) {
  size_t chunks = (len + CHUNK_LEN - 1) / CHUNK_LEN;
  size_t full = len / CHUNK_LEN;
  size_t i = 0;
  if (have_avx2) {
    for (; i + LANES <= full; i += LANES) {
      const uint8_t *ptrs[LANES];
      for (int j = 0; j < LANES; j++) ptrs[j] = in + (i + j) * CHUNK_LEN;
      hash8(ptrs, CHUNK_LEN / BLOCK_LEN, first_chunk + i, 1, 0, CHUNK_START, CHUNK_END,
            cvs + i * CV_LEN);
    }
  }
  for (; i < chunks; i++) {
    size_t n = len - i * CHUNK_LEN < CHUNK_LEN ? len - i * CHUNK_LEN : CHUNK_LEN;
    chunk_cv(in + i * CHUNK_LEN, n, first_chunk + i, 0, cvs + i * CV_LEN);
  }
}

// Merges n >= 2 CVs, level by level, into one: pairs (0,1), (2,3), ... and an odd last one moves
// up unchanged, which is exactly BLAKE3's left-heavy tree. Overwrites cvs.
static void merge(uint8_t *cvs, size_t n, uint32_t root_flag, uint8_t out[CV_LEN]) {
  while (n > 2) {
    size_t pairs = n / 2, i = 0;
    if (have_avx2) {
      for (; i + LANES <= pairs; i += LANES) {
        const uint8_t *ptrs[LANES];
        for (int j = 0; j < LANES; j++) ptrs[j] = cvs + (i + j) * 2 * CV_LEN;
        hash8(ptrs, 1, 0, 0, PARENT, 0, 0, cvs + i * CV_LEN);
      }
    }
    for (; i < pairs; i++) parent_cv(cvs + i * 2 * CV_LEN, 0, cvs + i * CV_LEN);
    if (n % 2) memmove(cvs + pairs * CV_LEN, cvs + (n - 1) * CV_LEN, CV_LEN);
    n = pairs + n % 2;
  }
  parent_cv(cvs, root_flag, out);
}

// The input is cut into segments of 2^k chunks; each is a complete subtree, hashed by one thread.
struct job {
  const uint8_t *data;
  uint64_t len;
  uint64_t segment_len;
  size_t segments;
  atomic_size_t next;
  uint8_t *segment_cvs;
};

static void hash_segment(struct job *job, size_t s, uint8_t *scratch) {
  uint64_t start = (uint64_t)s * job->segment_len;
  uint64_t len = job->len - start < job->segment_len ? job->len - start : job->segment_len;
  uint32_t root = job->segments == 1 ? ROOT : 0;
  uint8_t *out = job->segment_cvs + s * CV_LEN;
  size_t chunks = (len + CHUNK_LEN - 1) / CHUNK_LEN;
  if (chunks == 1) {
    chunk_cv(job->data + start, len, start / CHUNK_LEN, root, out);
    return;
  }
  chunk_cvs(job->data + start, len, start / CHUNK_LEN, scratch);
  merge(scratch, chunks, root, out);
}

static void *worker(void *arg) {
  struct job *job = arg;
  uint8_t *scratch = malloc(job->segment_len / CHUNK_LEN * CV_LEN);
  if (!scratch) {
    perror("b3range: out of memory");
    exit(1);
  }
  for (size_t s; (s = atomic_fetch_add(&job->next, 1)) < job->segments;)
    hash_segment(job, s, scratch);
  free(scratch);
  return NULL;
}

static void hash_range(const uint8_t *data, uint64_t len, int threads, uint8_t out[CV_LEN]) {
  if (len <= CHUNK_LEN) {
    chunk_cv(data, len, 0, ROOT, out);
    return;
  }
  // Big segments keep the merge cheap; small inputs still get one segment per thread or more.
  uint64_t chunks = (len + CHUNK_LEN - 1) / CHUNK_LEN;
  uint64_t segment_chunks = 1u << 14;
  while (segment_chunks > 16 && (chunks + segment_chunks - 1) / segment_chunks < 4u * threads)
    segment_chunks /= 2;
  struct job job = {.data = data, .len = len, .segment_len = segment_chunks * CHUNK_LEN};
  job.segments = (size_t)((chunks + segment_chunks - 1) / segment_chunks);
  atomic_init(&job.next, 0);
  job.segment_cvs = malloc(job.segments * CV_LEN);
  if (!job.segment_cvs) {
    perror("b3range: out of memory");
    exit(1);
  }
  if ((size_t)threads > job.segments) threads = (int)job.segments;
  pthread_t tids[threads > 1 ? threads - 1 : 1];
  for (int t = 0; t + 1 < threads; t++) {
    if (pthread_create(&tids[t], NULL, worker, &job) != 0) {
      threads = t + 1;
      break;
    }
  }
  worker(&job);
  for (int t = 0; t + 1 < threads; t++) pthread_join(tids[t], NULL);
  if (job.segments == 1)
    memcpy(out, job.segment_cvs, CV_LEN);
  else
    merge(job.segment_cvs, job.segments, ROOT, out);
  free(job.segment_cvs);
}

static int usage(void) {
  fprintf(stderr, "usage: b3range [-t THREADS] FILE [OFFSET LENGTH]\n");
  return 2;
}

static int parse_u64(const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  if (*s < '0' || *s > '9') return -1;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end) return -1;
  *out = v;
  return 0;
}

int main(int argc, char **argv) {
  init_tables();
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  int threads = cpus > 0 ? (int)cpus : 1;
  int opt;
  while ((opt = getopt(argc, argv, "t:")) != -1) {
    uint64_t t;
    if (opt != 't' || parse_u64(optarg, &t) || t < 1 || t > 256) return usage();
    threads = (int)t;
  }
  int rest = argc - optind;
  if (rest != 1 && rest != 3) return usage();
  const char *path = argv[optind];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    fprintf(stderr, "b3range: cannot open %s: %s\n", path, strerror(errno));
    return 1;
  }
  uint64_t offset = 0, len = (uint64_t)st.st_size;
  if (rest == 3) {
    if (parse_u64(argv[optind + 1], &offset) || parse_u64(argv[optind + 2], &len))
      return usage();
    if (offset > (uint64_t)st.st_size || len > (uint64_t)st.st_size - offset) {
      fprintf(stderr, "b3range: %" PRIu64 " bytes at offset %" PRIu64
                      " extend past the end of %s (%" PRIu64 " bytes)\n",
              len, offset, path, (uint64_t)st.st_size);
      return 1;
    }
  }
  uint8_t hash[CV_LEN];
  if (len == 0) {
    static const uint8_t empty[1];
    hash_range(empty, 0, 1, hash);
  } else {
    uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
    uint64_t start = offset - offset % page;
    size_t map_len = (size_t)(offset - start + len);
    uint8_t *map = mmap(NULL, map_len, PROT_READ, MAP_SHARED, fd, (off_t)start);
    if (map == MAP_FAILED) {
      fprintf(stderr, "b3range: cannot map %s: %s\n", path, strerror(errno));
      return 1;
    }
    madvise(map, map_len, MADV_SEQUENTIAL);
    hash_range(map + (offset - start), len, threads, hash);
    munmap(map, map_len);
  }
  for (int i = 0; i < CV_LEN; i++) printf("%02x", hash[i]);
  printf(" %" PRIu64 " %" PRIu64 "\n", (uint64_t)st.st_dev, (uint64_t)st.st_ino);
  return fflush(stdout) == 0 ? 0 : 1;
}
