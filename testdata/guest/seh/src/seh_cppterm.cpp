// seh_cppterm: a C++ exception nobody catches (MinGW g++, DWARF-2 unwinding). _Unwind_RaiseException finds no
// handler and returns; __cxa_throw calls std::terminate, whose default (libstdc++'s verbose terminate handler)
// writes "terminate called after throwing an instance of 'std::runtime_error'" and what() to stderr and calls
// abort(): msvcrt's abort prints its "unusual way" message to stderr and ends the process with exit code 3
// (Microsoft: "abort": "returns exit code 3"). Destructors of the frames in between do not run: the C++
// standard leaves it implementation-defined, and libgcc's two-phase unwinding stops after the search phase.
#include <cstdio>
#include <stdexcept>

struct Noisy {
    ~Noisy() { std::printf("destructor ran\n"); }
};

__attribute__((noinline)) static void thrower()
{
    Noisy n;
    throw std::runtime_error("nobody catches this");
}

int main()
{
    std::setvbuf(stdout, nullptr, _IONBF, 0);
    std::printf("throwing\n");
    thrower();
    std::printf("not reached\n");
    return 0;
}
