"""Local development stack: BigCommerce emulator, local AWS, invoker, demo."""
