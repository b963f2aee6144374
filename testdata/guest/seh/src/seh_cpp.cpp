// seh_cpp: C++ exceptions of MinGW-w64 i686 (g++ 12, DWARF-2 unwinding: libgcc's _Unwind_RaiseException walks
// .eh_frame, no Windows SEH involved; libgcc and libstdc++ linked statically). Expected output is the C++
// standard's: destructors of the frames left run innermost first, the first matching handler in the innermost
// try catches, a derived class is caught by reference to its base, rethrow keeps the object, catch(...) catches
// anything, a throw from a catch block reaches the next outer try, operator new throws std::bad_alloc.
#include <cstdio>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <string>

struct Noisy {
    const char *name;
    explicit Noisy(const char *n) : name(n) { std::printf("  make %s\n", name); }
    ~Noisy() { std::printf("  drop %s\n", name); }
};

struct Base {
    int code;
    explicit Base(int c) : code(c) {}
    virtual ~Base() {}
    virtual const char *what() const { return "Base"; }
};
struct Derived : Base {
    explicit Derived(int c) : Base(c) {}
    const char *what() const override { return "Derived"; }
};

static int depth_reached;
__attribute__((noinline)) static void deep(int n)
{
    Noisy guard(n == 0 ? "bottom" : n == 1 ? "middle" : "top");
    if (n == 0)
        throw std::runtime_error("from the bottom");
    depth_reached = n;
    deep(n - 1);
}

__attribute__((noinline)) static void throw_derived(int c) { throw Derived(c); }

static int (*volatile fp)(int);
static int thrower(int x)
{
    if (x > 2)
        throw x * 10;
    return x;
}

int main()
{
    std::setvbuf(stdout, nullptr, _IONBF, 0);

    std::printf("int:\n");
    try {
        throw 42;
    } catch (int v) {
        std::printf("  caught int %d\n", v);
    }

    std::printf("std::runtime_error through three frames:\n");
    try {
        deep(2);
    } catch (const std::exception &e) {
        std::printf("  caught std::exception: %s\n", e.what());
    }

    std::printf("derived by base reference:\n");
    try {
        throw_derived(7);
    } catch (const Base &b) {
        std::printf("  caught %s %d\n", b.what(), b.code);
    }

    std::printf("rethrow:\n");
    try {
        try {
            throw_derived(8);
        } catch (Base &b) {
            b.code++;
            std::printf("  inner caught %d, rethrowing\n", b.code);
            throw;
        }
    } catch (Derived &d) {
        std::printf("  outer caught %s %d\n", d.what(), d.code);
    }

    std::printf("throw from a catch block:\n");
    try {
        try {
            throw std::string("first");
        } catch (const std::string &s) {
            Noisy n("in-catch");
            std::printf("  caught %s\n", s.c_str());
            throw std::logic_error("second");
        }
    } catch (const std::logic_error &e) {
        std::printf("  outer caught %s\n", e.what());
    }

    std::printf("catch (...) through a function pointer:\n");
    fp = thrower;
    int sum = 0;
    for (int i = 0; i < 5; i++) {
        try {
            sum += fp(i);
        } catch (...) {
            sum += 1000;
        }
    }
    std::printf("  sum %d\n", sum);

    std::printf("bad_alloc:\n");
    try {
        volatile size_t huge = static_cast<size_t>(-1) / 2;
        char *p = new char[huge];
        std::printf("  allocated %p\n", static_cast<void *>(p));
    } catch (const std::bad_alloc &) {
        std::printf("  caught std::bad_alloc\n");
    }

    std::printf("many throws:\n");
    int caught = 0;
    for (int i = 0; i < 200; i++) {
        try {
            throw_derived(i);
        } catch (const Base &b) {
            caught += b.code == i;
        }
    }
    std::printf("  %d of 200\n", caught);
    return 0;
}
