// Sanitizer builds only (BOOST_USE_UCONTEXT, CMakeLists.txt): the fibers then use Boost.Context's
// ucontext implementation, whose switches tell AddressSanitizer about the stacks. That
// implementation keeps one function in Boost's compiled library, which Debian builds for the
// fcontext implementation only: fiber_activation_record::current(), the record of the context
// running on this thread (fiber_ucontext.hpp). It is defined here: each thread starts with a
// record of its own, taken at its first fiber switch and freed when the thread ends.
#if defined(BOOST_USE_UCONTEXT)

#include <memory>

#include <boost/context/fiber.hpp>

namespace boost::context::detail {

fiber_activation_record*& fiber_activation_record::current() noexcept {
  thread_local const std::unique_ptr<fiber_activation_record> thread_context(
      new fiber_activation_record());  // getcontext(3) of this thread
  thread_local fiber_activation_record* running = thread_context.get();
  return running;
}

}  // namespace boost::context::detail

#endif
