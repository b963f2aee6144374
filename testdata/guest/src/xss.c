/* xss: output that a web page must show as text, never interpret as HTML. */
#include <stdio.h>

int main(void)
{
    printf("<img src=x onerror=alert(1)>\n");
    printf("<script>alert('peek32')</script> & &amp; \"quotes\"\n");
    return 0;
}
