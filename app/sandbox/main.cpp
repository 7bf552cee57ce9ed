// Placeholder until the sandbox lands.
int main() { return 1; }
