/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Threads in the library OS, seen from an ordinary pthreads program: a
 * mutex-protected counter incremented by 8 threads that yield inside the
 * lock (so that they contend and sleep on the futex), a condition-variable
 * producer and consumer, join results, pthread_once, __thread variables,
 * detached threads, slot reuse, nanosleep of several threads at once
 * (each within its window, woken in deadline order), the futex system
 * call's errors, timeouts and requeueing, clone refusing to fork, a
 * thread blocked in event_wait woken by a loopback event, an event
 * handler, the idle vCPU sleeping in the hypervisor (its CPU time far
 * below the time that passed); with the argument "smp", in a 2-vCPU
 * domain, code on vCPU 1 waiting on a futex by polling and waking the
 * main thread while vCPU 0 sleeps. Prints one line per check and
 * "threads: all N checks passed".
 */
#include <errno.h>
#include <exo/event.h>
#include <exo/hypercall.h>
#include <exo/libos.h>
#include <exo/vcpu.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define THREADS 8
#define INCREMENTS 2000
#define ITEMS 500
#define QUEUE 4
#define MS 1000000L

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_PRIVATE 128

static int checks, failures;

static void check(int ok, const char *what)
{
    checks++;
    failures += !ok;
    printf("%s %d - %s\n", ok ? "ok" : "FAIL", checks, what);
}

static long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static long futex(volatile int *addr, int op, int val, const struct timespec *ts, int val3)
{
    long r = syscall(SYS_futex, addr, op, val, ts, 0, val3);

    return r < 0 ? -errno : r;
}

/* ---- the counter ---- */

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread int my_index = -1;
static __thread char tls_buffer[64];

static void *count(void *arg)
{
    int index = (int)(intptr_t)arg;

    my_index = index;
    snprintf(tls_buffer, sizeof(tls_buffer), "thread %d", index);
    for (int i = 0; i < INCREMENTS; i++) {
        pthread_mutex_lock(&counter_lock);
        long seen = counter;
        /* Let the others run while holding the lock now and then. */
        if (i % 50 == 0)
            sched_yield();
        counter = seen + 1;
        pthread_mutex_unlock(&counter_lock);
    }
    /* Another thread's writes to its own copies changed nothing here. */
    if (my_index != index || strcmp(tls_buffer + 7, "") == 0)
        return (void *)-1L;
    return (void *)(intptr_t)(index * 7 + 1);
}

static void check_counter(void)
{
    pthread_t t[THREADS];
    int created = 1, results = 1;
    void *ret;

    my_index = 100;
    for (int i = 0; i < THREADS; i++)
        created &= pthread_create(&t[i], NULL, count, (void *)(intptr_t)i) == 0;
    check(created, "pthread_create: 8 threads");
    for (int i = 0; i < THREADS; i++) {
        ret = NULL;
        results &= pthread_join(t[i], &ret) == 0 && ret == (void *)(intptr_t)(i * 7 + 1);
    }
    check(results, "pthread_join: each thread's return value, __thread variables kept apart");
    check(counter == (long)THREADS * INCREMENTS,
          "mutex: 8 threads x 2000 increments, yielding inside the lock: exact total");
    check(my_index == 100, "the main thread's __thread variable is its own");
}

/* ---- producer and consumer ---- */

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
static int queue[QUEUE], head, tail, queued;

static void *produce(void *arg)
{
    (void)arg;
    for (int i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&queue_lock);
        while (queued == QUEUE)
            pthread_cond_wait(&not_full, &queue_lock);
        queue[tail] = i;
        tail = (tail + 1) % QUEUE;
        queued++;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&queue_lock);
    }
    return NULL;
}

static void *consume(void *arg)
{
    long sum = 0, in_order = 1, last = 0;

    (void)arg;
    for (int i = 0; i < ITEMS; i++) {
        pthread_mutex_lock(&queue_lock);
        while (queued == 0)
            pthread_cond_wait(&not_empty, &queue_lock);
        in_order &= queue[head] == last + 1;
        last = queue[head];
        sum += queue[head];
        head = (head + 1) % QUEUE;
        queued--;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&queue_lock);
    }
    return (void *)(in_order ? sum : -sum);
}

static void check_condvar(void)
{
    pthread_t p, c;
    void *sum = NULL;

    pthread_create(&c, NULL, consume, NULL);
    pthread_create(&p, NULL, produce, NULL);
    pthread_join(p, NULL);
    pthread_join(c, &sum);
    check((long)sum == (long)ITEMS * (ITEMS + 1) / 2,
          "condition variables: 500 items through a 4-slot queue, in order");
}

static pthread_cond_t go = PTHREAD_COND_INITIALIZER;
static int started, released, finished;

/* A broadcast wakes every waiter; musl moves all but the first onto the
 * mutex with FUTEX_REQUEUE. */
static void *await_go(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&queue_lock);
    started++;
    while (!released)
        pthread_cond_wait(&go, &queue_lock);
    finished++;
    pthread_mutex_unlock(&queue_lock);
    return NULL;
}

static void check_broadcast(void)
{
    pthread_t t[4];
    int all_waiting = 0;

    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, await_go, NULL);
    for (int i = 0; i < 100 && !all_waiting; i++) {
        sched_yield();
        pthread_mutex_lock(&queue_lock);
        all_waiting = started == 4;
        pthread_mutex_unlock(&queue_lock);
    }
    pthread_mutex_lock(&queue_lock);
    released = 1;
    pthread_cond_broadcast(&go);
    pthread_mutex_unlock(&queue_lock);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    check(all_waiting && finished == 4, "pthread_cond_broadcast wakes all 4 waiters");
}

/* A timed wait nobody signals: musl turns the real-time deadline into a
 * relative futex timeout. */
static void check_timedwait(void)
{
    pthread_cond_t never = PTHREAD_COND_INITIALIZER;
    struct timespec at;
    long start = now_ns(), took;
    int r;

    clock_gettime(CLOCK_REALTIME, &at);
    at.tv_nsec += 5 * MS;
    if (at.tv_nsec >= 1000000000L) {
        at.tv_sec++;
        at.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&queue_lock);
    r = pthread_cond_timedwait(&never, &queue_lock, &at);
    pthread_mutex_unlock(&queue_lock);
    took = now_ns() - start;
    check(r == ETIMEDOUT && took >= 5 * MS && took < 6 * MS,
          "pthread_cond_timedwait, 5 ms on the real-time clock: ETIMEDOUT in [5, 6) ms");
}

/* ---- pthread_once, detached threads, slots ---- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;

static void init_once(void)
{
    once_runs++;
    sched_yield(); /* the others arrive while it runs */
}

static void *call_once(void *arg)
{
    (void)arg;
    pthread_once(&once, init_once);
    return (void *)(intptr_t)once_runs;
}

static volatile int detached_done;

static void *detached(void *arg)
{
    (void)arg;
    __atomic_fetch_add(&detached_done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static volatile int stackless_ran;

/* Ends itself with no usable stack: the exit call must not need one. The
 * thread first detaches its exit from musl's thread-list lock (which the
 * library OS would otherwise clear), since it skips pthread_exit. */
static void *exit_without_stack(void *arg)
{
    (void)arg;
    stackless_ran = 1;
    __asm__ volatile("mov $%c0, %%eax\n\t"
                     "xor %%edi, %%edi\n\t"
                     "syscall\n\t"
                     "xor %%esp, %%esp\n\t"
                     "mov $%c1, %%eax\n\t"
                     "syscall\n\t"
                     "ud2" ::"i"(SYS_set_tid_address), "i"(SYS_exit)
                     : "memory");
    __builtin_unreachable();
}

static void *tid_of(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)syscall(SYS_gettid);
}

static void check_once_and_lifetimes(void)
{
    pthread_t t[THREADS];
    pthread_attr_t attr;
    int saw_one = 1, ok = 1, distinct = 1;
    long tids[THREADS];
    void *r;

    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, call_once, NULL);
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], &r);
        saw_one &= (intptr_t)r == 1;
    }
    check(once_runs == 1 && saw_one, "pthread_once: one run, and every caller waited for it");

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < 20; i++)
        ok &= pthread_create(&t[0], &attr, detached, NULL) == 0;
    for (int i = 0; i < 1000 && detached_done < 20; i++)
        sched_yield();
    check(ok && detached_done == 20, "20 detached threads ran and exited");
    pthread_create(&t[0], &attr, exit_without_stack, NULL);
    for (int i = 0; i < 10 && !stackless_ran; i++)
        sched_yield();
    sched_yield(); /* it has exited by now: the domain runs on */
    check(stackless_ran, "a thread exits with its stack pointer at 0");

    /* More threads over time than the library OS has slots (256). */
    for (int i = 0; i < 300 && ok; i++)
        ok &= pthread_create(&t[0], NULL, tid_of, NULL) == 0 && pthread_join(t[0], &r) == 0;
    check(ok, "300 threads created and joined one after another");

    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, tid_of, NULL);
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], &r);
        tids[i] = (intptr_t)r;
        distinct &= tids[i] > 1 && tids[i] != syscall(SYS_gettid);
        for (int j = 0; j < i; j++)
            distinct &= tids[i] != tids[j];
    }
    check(distinct && getpid() == 1 && syscall(SYS_gettid) == 1,
          "gettid: distinct for every thread, 1 for main; getpid: 1");
}

/* ---- sleeping ---- */

static long woke_order[3], woke_at[3];
static int woke;

static void *sleeper(void *arg)
{
    long ms = (long)(intptr_t)arg, start = now_ns();
    struct timespec ts = {0, ms * MS};

    nanosleep(&ts, NULL);
    woke_at[woke] = now_ns() - start;
    woke_order[woke++] = ms;
    return NULL;
}

static void check_sleeping(void)
{
    struct timespec ts = {0, 10 * MS};
    pthread_t t[3];
    long start, took;
    int in_window = 1;

    start = now_ns();
    nanosleep(&ts, NULL);
    took = now_ns() - start;
    printf("threads: a 10 ms nanosleep took %ld.%03ld ms\n", took / MS, took % MS / 1000);
    check(took >= 10 * MS && took < 11 * MS, "nanosleep 10 ms: within [10, 11) ms");

    start = now_ns();
    pthread_create(&t[0], NULL, sleeper, (void *)30);
    pthread_create(&t[1], NULL, sleeper, (void *)10);
    pthread_create(&t[2], NULL, sleeper, (void *)20);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    took = now_ns() - start;
    for (int i = 0; i < 3; i++)
        in_window &= woke_at[i] >= woke_order[i] * MS && woke_at[i] < (woke_order[i] + 1) * MS;
    check(woke == 3 && woke_order[0] == 10 && woke_order[1] == 20 && woke_order[2] == 30,
          "three threads sleeping 30, 10, 20 ms wake in deadline order");
    check(in_window, "each sleep within its window");
    check(took >= 30 * MS && took < 32 * MS, "they slept at the same time: 30 ms in all");
}

/* ---- futex ---- */

static volatile int word;

static void *wake_word(void *arg)
{
    (void)arg;
    word = 1;
    return (void *)futex(&word, FUTEX_WAKE | FUTEX_PRIVATE, 1, NULL, 0);
}

static volatile int word_b;
static long waits[2];

static void *wait_b(void *arg)
{
    waits[(intptr_t)arg] = futex(&word_b, FUTEX_WAIT, 0, NULL, 0);
    return NULL;
}

/* Two waiters on word_b: one moved to word, then each woken where it is. */
static void check_requeue(void)
{
    pthread_t t[2];
    long moved, woken_a, woken_b, r;

    word = 0;
    word_b = 0;
    for (intptr_t i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, wait_b, (void *)i);
    sched_yield(); /* both run and wait */
    r = syscall(SYS_futex, &word_b, FUTEX_CMP_REQUEUE, 0, 1, &word, 1);
    check(r == -1 && errno == EAGAIN, "FUTEX_CMP_REQUEUE with the wrong value: EAGAIN");
    moved = syscall(SYS_futex, &word_b, FUTEX_REQUEUE, 0, 1, &word, 0);
    woken_a = futex(&word, FUTEX_WAKE, 5, NULL, 0);
    woken_b = futex(&word_b, FUTEX_WAKE, 5, NULL, 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    check(moved == 0 && woken_a == 1 && woken_b == 1 && waits[0] == 0 && waits[1] == 0,
          "FUTEX_REQUEUE moves one waiter to another word, where a wake finds it");
}

static void check_futex(void)
{
    struct timespec rel = {0, 2 * MS}, bad = {0, 1000000000L}, abs;
    pthread_t t;
    long r, start;
    void *woken;

    word = 0;
    r = futex(&word, FUTEX_WAIT, 1, NULL, 0);
    check(r == -EAGAIN, "FUTEX_WAIT on a value that differs: EAGAIN");
    start = now_ns();
    r = futex(&word, FUTEX_WAIT | FUTEX_PRIVATE, 0, &rel, 0);
    check(r == -ETIMEDOUT && now_ns() - start >= 2 * MS, "FUTEX_WAIT, 2 ms timeout: ETIMEDOUT");
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_nsec += 3 * MS;
    if (abs.tv_nsec >= 1000000000L) {
        abs.tv_sec++;
        abs.tv_nsec -= 1000000000L;
    }
    r = futex(&word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE, 0, &abs, -1);
    check(r == -ETIMEDOUT && now_ns() >= abs.tv_sec * 1000000000L + abs.tv_nsec,
          "FUTEX_WAIT_BITSET, absolute monotonic deadline: ETIMEDOUT after it");
    r = futex(&word, FUTEX_WAIT, 0, &bad, 0);
    check(r == -EINVAL, "FUTEX_WAIT with tv_nsec of a whole second: EINVAL");
    r = futex((volatile int *)(uintptr_t)((uintptr_t)&word + 1), FUTEX_WAKE, 1, NULL, 0);
    check(r == -EINVAL, "FUTEX_WAKE on a misaligned word: EINVAL");
    r = futex((volatile int *)(uintptr_t)(libos_memory_size() + 4096), FUTEX_WAIT, 0, NULL, 0);
    check(r == -EFAULT, "FUTEX_WAIT past the end of memory: EFAULT");
    r = futex((volatile int *)0, FUTEX_WAKE, 1, NULL, 0);
    check(r == -EFAULT, "FUTEX_WAKE on NULL: EFAULT");
    r = futex(&word, FUTEX_WAIT_BITSET, 0, NULL, 0);
    check(r == -EINVAL, "FUTEX_WAIT_BITSET with an empty bitset: EINVAL");
    r = futex(&word, 6 /* FUTEX_LOCK_PI */, 0, NULL, 0);
    check(r == -ENOSYS, "FUTEX_LOCK_PI: ENOSYS");
    r = futex(&word, FUTEX_WAKE, 1, NULL, 0);
    check(r == 0, "FUTEX_WAKE with no waiters: 0");

    pthread_create(&t, NULL, wake_word, NULL);
    r = futex(&word, FUTEX_WAIT | FUTEX_PRIVATE, 0, NULL, 0);
    pthread_join(t, &woken);
    check(r == 0 && (long)woken == 1, "FUTEX_WAIT woken by another thread's FUTEX_WAKE");
    check_requeue();
}

/* ---- clone ---- */

static void check_clone(void)
{
    long r = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);

    check(r == -1 && errno == ENOSYS, "clone like fork: ENOSYS");
    r = syscall(SYS_clone, 0x100 /* CLONE_VM alone */ | 0x10000 /* CLONE_THREAD */, 0, 0, 0, 0);
    check(r == -1 && errno == EINVAL, "clone of a thread without its other flags: EINVAL");
    r = syscall(SYS_arch_prctl, 0x1001 /* ARCH_SET_GS */, 0x1000);
    check(r == -1 && errno == EINVAL, "arch_prctl ARCH_SET_GS: EINVAL (the library OS's)");
}

/* ---- events ---- */

static uint32_t port_a, port_b;
static volatile int event_woken;

static void *wait_event(void *arg)
{
    int r;

    (void)arg;
    r = event_wait(port_a);
    event_woken = 1;
    return (void *)(intptr_t)r;
}

static volatile int handled;
static volatile uint32_t handled_port;

static void on_event(uint32_t port, void *arg)
{
    handled += *(int *)arg;
    handled_port = port;
}

static void check_events(void)
{
    struct timespec ms = {0, MS};
    static int step = 5;
    pthread_t t;
    void *r = (void *)-1L;
    long err;

    err = event_alloc_unbound(libos_domain_id(), &port_a);
    if (!err)
        err = event_bind_interdomain(libos_domain_id(), port_a, &port_b);
    check(err == 0, "a loopback event channel");
    pthread_create(&t, NULL, wait_event, NULL);
    /* The waiter runs and blocks; the main thread sleeps meanwhile. */
    nanosleep(&ms, NULL);
    check(!event_woken, "a thread in event_wait stays blocked while the port is quiet");
    event_send(port_b);
    pthread_join(t, &r);
    check(event_woken && r == NULL, "an event send wakes the thread blocked in event_wait");

    err = event_bind_handler(port_a, on_event, &step);
    check(err == 0 && event_bind_handler(port_a, on_event, &step) == -HV_EBUSY,
          "event_bind_handler; a second handler for the port: EBUSY");
    event_send(port_b);
    event_send(port_b); /* pending already: the same event */
    nanosleep(&ms, NULL); /* the idle loop dispatches */
    check(handled == 5 && handled_port == port_a, "the handler ran once for the pending port");
    event_mask(port_a);
    event_send(port_b);
    nanosleep(&ms, NULL);
    check(handled == 5, "a masked port's handler does not run");
    event_unmask(port_a);
    nanosleep(&ms, NULL);
    check(handled == 10, "unmasking the pending port runs its handler");
    event_bind_handler(port_a, NULL, NULL);
    event_close(port_b);
    event_close(port_a);
}

/* ---- the idle vCPU ---- */

static uint64_t cpu_time(void)
{
    struct hv_domctl_info info = {.domid = libos_domain_id()};

    if (hv_domctl(HV_DOMCTL_getinfo, (long)(uintptr_t)&info))
        return 0;
    return info.cpu_time_ns;
}

static void check_idle(void)
{
    struct timespec ts = {0, 50 * MS};
    long start = now_ns(), wall;
    uint64_t cpu = cpu_time();

    nanosleep(&ts, NULL);
    wall = now_ns() - start;
    cpu = cpu_time() - cpu;
    printf("threads: a 50 ms sleep took %ld us of CPU time\n", (long)(cpu / 1000));
    check(cpu > 0 && cpu < (uint64_t)wall / 10,
          "sleeping with nothing else to run: the vCPU blocks in the hypervisor");
}

/* ---- a secondary vCPU ---- */

static volatile int remote_word, remote_go, remote_ready;
static volatile long remote_wait, remote_woken, remote_tid, remote_now;

/* Without musl's help: this vCPU's thread control block is not musl's. */
static long raw_syscall(long nr, long a1, long a2, long a3, long a4)
{
    register long r10 __asm__("r10") = a4;
    long ret;

    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10)
                     : "rcx", "r11", "memory");
    return ret;
}

static void on_vcpu1(void *arg)
{
    struct timespec ms5 = {0, 5 * MS}, second = {1, 0}, now;

    (void)arg;
    raw_syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&now, 0, 0);
    remote_now = now.tv_sec * 1000000000L + now.tv_nsec;
    remote_tid = raw_syscall(SYS_gettid, 0, 0, 0, 0);
    remote_ready = 1;
    /* Polls until the main thread changes the word. */
    remote_wait = raw_syscall(SYS_futex, (long)&remote_go, FUTEX_WAIT, 0, (long)&second);
    raw_syscall(SYS_nanosleep, (long)&ms5, 0, 0, 0);
    remote_word = 1;
    remote_woken = raw_syscall(SYS_futex, (long)&remote_word, FUTEX_WAKE, 1, 0);
}

static void check_remote_wake(void)
{
    struct timespec ms2 = {0, 2 * MS};
    long r, start, before = now_ns();

    r = libos_vcpu_start(1, on_vcpu1, NULL);
    check(r == 0, "start vCPU 1");
    for (int i = 0; i < 100000 && !remote_ready; i++)
        sched_yield();
    check(remote_ready && remote_now >= before && remote_now <= now_ns(),
          "the monotonic clock on vCPU 1 (its own time record) agrees with vCPU 0's");
    nanosleep(&ms2, NULL); /* vCPU 1 is in its wait by now */
    /* Before the release: vCPU 1 may see it (it polls) and start its 5 ms
     * at once, and this vCPU may lose its host thread for a while. */
    start = now_ns();
    remote_go = 1;
    futex(&remote_go, FUTEX_WAKE, 1, NULL, 0);
    /* Nothing else to run, no deadline: vCPU 0 sleeps until vCPU 1 wakes
     * this thread. */
    r = futex(&remote_word, FUTEX_WAIT, 0, NULL, 0);
    check(r == 0 && remote_word == 1 && now_ns() - start >= 4 * MS,
          "the main thread, waiting on a futex, is woken from vCPU 1 while vCPU 0 sleeps");
    for (int i = 0; i < 100000 && remote_woken == 0; i++)
        sched_yield();
    check(remote_woken == 1 && remote_wait == 0,
          "vCPU 1: a futex wait polls until the word changes; its wake found the thread");
    check(remote_tid > 1, "gettid on vCPU 1 is not the main thread's");
}

/* "threads smp": only the checks with vCPU 1, in a 2-vCPU domain. */
int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "smp")) {
        check_remote_wake();
        printf("threads: smp: %s %d checks passed\n", failures ? "FAIL: not all" : "all",
               checks - failures);
        return failures ? 1 : 0;
    }
    check_counter();
    check_condvar();
    check_broadcast();
    check_once_and_lifetimes();
    check_sleeping();
    check_futex();
    check_timedwait();
    check_clone();
    check_events();
    check_idle();
    printf("threads: %s %d checks passed\n", failures ? "FAIL: not all" : "all",
           checks - failures);
    return failures ? 1 : 0;
}
