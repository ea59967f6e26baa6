/* true - exit 0 at once (exec_test runs it). */
int main(void)
{
    return 0;
}
